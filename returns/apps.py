from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """The statutory returns: the DfE Children in Need census and Ofsted's Annex A lists."""

    name = "returns"
    verbose_name = "Statutory returns"

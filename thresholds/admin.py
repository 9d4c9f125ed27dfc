from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CouncilProfile


@admin.register(CouncilProfile)
class CouncilProfileAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "route_recently_closed_to_last_team"]

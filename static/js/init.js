// Starts GOV.UK Frontend's JavaScript components. Load it from base.html as
// <script type="module" src="{% static 'js/init.js' %}"></script>.
// govuk-frontend.min.js (v5+) is an ES module that exports initAll.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";
import "./responsive-tables.js";
import "./conditional-reveal.js";

// initAll() does nothing unless <body> has "govuk-frontend-supported". The
// GOV.UK template sets it (and "js-enabled") with an inline script, which a
// strict Content-Security-Policy blocks; a browser running a module script
// supports GOV.UK Frontend, so set both classes here too (adding twice is harmless).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

"""Import every domain's models so the metadata is complete (Alembic, tests, privacy)."""

from centricity.accounts import models as accounts_models
from centricity.analytics import models as analytics_models
from centricity.audit import models as audit_models
from centricity.calendars import models as calendars_models
from centricity.cases import models as cases_models
from centricity.customers import models as customers_models
from centricity.events import models as events_models
from centricity.feedback import models as feedback_models
from centricity.feedback.analysis import models as feedback_analysis_models
from centricity.ideas import models as ideas_models
from centricity.imports import models as imports_models
from centricity.interactions import models as interactions_models
from centricity.jobs import models as jobs_models
from centricity.mail import models as mail_models
from centricity.notifications import models as notifications_models
from centricity.orders import models as orders_models
from centricity.surveys import models as surveys_models
from centricity.surveys.loop import models as loop_models
from centricity.telephony import models as telephony_models
from centricity.value import models as value_models

ALL_MODEL_MODULES = (
    accounts_models,
    analytics_models,
    audit_models,
    calendars_models,
    cases_models,
    customers_models,
    events_models,
    feedback_models,
    feedback_analysis_models,
    ideas_models,
    imports_models,
    interactions_models,
    jobs_models,
    mail_models,
    notifications_models,
    orders_models,
    surveys_models,
    loop_models,
    telephony_models,
    value_models,
)

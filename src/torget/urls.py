from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from torget.api import api
from torget.archive import views as archive_views
from torget.channels import public as public_views
from torget.channels import views as channel_views
from torget.dialogue import views as dialogue_views
from torget.organisations import views as organisation_views
from torget.params import IdConverter
from torget.preservation import views as preservation_views
from torget.supervision import views as supervision_views

# Ids in paths: digits up to 2**63 - 1; a larger number is no page (404), never a 500.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", channel_views.dashboard, name="dashboard"),
    path("logga-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("register/", channel_views.register, name="register"),
    path("register/ny/", channel_views.propose, name="channel_propose"),
    path("register/<slug:slug>/", channel_views.detail, name="channel_detail"),
    path("register/<slug:slug>/andra/", channel_views.edit, name="channel_edit"),
    path("register/<slug:slug>/steg/<slug:action>/", channel_views.step, name="channel_step"),
    path(
        "register/<slug:slug>/riskbedomning/", channel_views.assess_risk, name="channel_assess_risk"
    ),
    path("register/<slug:slug>/checklista/", channel_views.checklist, name="channel_checklist"),
    path("register/<slug:slug>/inventering/", channel_views.review, name="channel_review"),
    path("logg/", organisation_views.audit_log, name="audit_log"),
    path("arkiv/", archive_views.search, name="archive_search"),
    path("arkiv/handling/<id:pk>/", archive_views.record_detail, name="record_detail"),
    path("arkiv/media/<str:sha256>/", archive_views.media, name="archive_media"),
    path("dialog/", dialogue_views.inbox, name="inbox"),
    path("dialog/<id:pk>/", dialogue_views.question_detail, name="question_detail"),
    path("dialog/<id:pk>/<slug:action>/", dialogue_views.question_action, name="question_action"),
    path("dialog/markera/<id:record_pk>/", dialogue_views.record_mark, name="record_mark"),
    path("dialog/statistik/", dialogue_views.statistics_page, name="dialogue_statistics"),
    path("dialog/statistik.csv", dialogue_views.statistics_csv, name="dialogue_statistics_csv"),
    path("dialog/kalender/", dialogue_views.calendar_page, name="dialogue_calendar"),
    path("registrator/", dialogue_views.registrar_queue, name="registrar_queue"),
    path(
        "registrator/<id:pk>/<str:name>",
        dialogue_views.registration_file,
        name="registration_file",
    ),
    path("tillsyn/", supervision_views.overview, name="supervision"),
    path("tillsyn/ko/", supervision_views.review_queue, name="supervision_queue"),
    path("tillsyn/ko/<id:pk>/tilldela/", supervision_views.item_assign, name="supervision_assign"),
    path("tillsyn/kanal/<slug:slug>/", supervision_views.channel_pass, name="supervision_pass"),
    path(
        "tillsyn/handling/<id:record_pk>/",
        supervision_views.record_review,
        name="supervision_record",
    ),
    path(
        "tillsyn/handling/<id:record_pk>/beslut/",
        supervision_views.record_decide,
        name="supervision_decide",
    ),
    path("tillsyn/fynd/<id:pk>/visa/", supervision_views.finding_reveal, name="supervision_reveal"),
    path(
        "tillsyn/uppgift/<id:pk>/klar/", supervision_views.task_done, name="supervision_task_done"
    ),
    path("tillsyn/bevis/<id:pk>/", supervision_views.evidence_file, name="supervision_evidence"),
    path("tillsyn/bevakning/", supervision_views.watch_list, name="supervision_watch"),
    path("bevarande/", preservation_views.overview, name="preservation"),
    path("bevarande/ta/", preservation_views.take, name="preservation_take"),
    path("bevarande/<id:pk>/", preservation_views.detail, name="preservation_snapshot"),
    path("arkiv/gallring/", include("torget.disposal.urls")),
    path("organisation/", organisation_views.people, name="people"),
    path("organisation/personer/ny/", organisation_views.person_new, name="person_new"),
    path("organisation/personer/<id:pk>/", organisation_views.person_edit, name="person_edit"),
    path("api-nycklar/", organisation_views.api_tokens, name="api_tokens"),
    path("kanaler/", public_views.channel_list, name="public_channels"),
    path("kanaler.json", public_views.channel_list_json, name="public_channels_json"),
    path("kanaler.csv", public_views.channel_list_csv, name="public_channels_csv"),
    path("kanaler.schema.json", public_views.channel_list_schema, name="public_channels_schema"),
    path(
        "kanaler/<slug:organisation_slug>/", public_views.channel_list, name="public_channels_org"
    ),
    path(
        "kanaler/<slug:organisation_slug>.json",
        public_views.channel_list_json,
        name="public_channels_org_json",
    ),
    path(
        "kanaler/<slug:organisation_slug>.csv",
        public_views.channel_list_csv,
        name="public_channels_org_csv",
    ),
    path("api/", api.urls),
]

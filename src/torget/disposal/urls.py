"""Disposal pages; included by the project at arkiv/gallring/ (linked from /bevarande/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="disposal_index"),
    path("regler/", views.rules, name="disposal_rules"),
    path("regler/<id:pk>/avveckla/", views.rule_deactivate, name="disposal_rule_deactivate"),
    path("sparrar/", views.holds, name="disposal_holds"),
    path("sparrar/<id:pk>/", views.hold_detail, name="disposal_hold"),
    path("sparrar/<id:pk>/hav/", views.hold_release, name="disposal_hold_release"),
    path("korningar/ny/", views.run_plan, name="disposal_plan"),
    path("korningar/<id:pk>/", views.run_detail, name="disposal_run"),
    path("korningar/<id:pk>/godkann/", views.run_approve, name="disposal_approve"),
    path("korningar/<id:pk>/avbryt/", views.run_cancel, name="disposal_cancel"),
    path("korningar/<id:pk>/angra/", views.run_undo, name="disposal_undo"),
    path("korningar/<id:pk>/fortsatt/", views.run_resume, name="disposal_resume"),
    path("gravstenar/<id:pk>/aterstall/", views.tombstone_restore, name="disposal_restore"),
]

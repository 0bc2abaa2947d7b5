"""Disposal pages; included by the project at arkiv/gallring/ (linked from /bevarande/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="disposal_index"),
    path("regler/", views.rules, name="disposal_rules"),
    path("regler/<int:pk>/avveckla/", views.rule_deactivate, name="disposal_rule_deactivate"),
    path("sparrar/", views.holds, name="disposal_holds"),
    path("sparrar/<int:pk>/", views.hold_detail, name="disposal_hold"),
    path("sparrar/<int:pk>/hav/", views.hold_release, name="disposal_hold_release"),
    path("korningar/ny/", views.run_plan, name="disposal_plan"),
    path("korningar/<int:pk>/", views.run_detail, name="disposal_run"),
    path("korningar/<int:pk>/godkann/", views.run_approve, name="disposal_approve"),
    path("korningar/<int:pk>/avbryt/", views.run_cancel, name="disposal_cancel"),
    path("korningar/<int:pk>/angra/", views.run_undo, name="disposal_undo"),
    path("korningar/<int:pk>/fortsatt/", views.run_resume, name="disposal_resume"),
    path("gravstenar/<int:pk>/aterstall/", views.tombstone_restore, name="disposal_restore"),
]

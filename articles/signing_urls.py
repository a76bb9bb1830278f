"""Signing statements: addresses outside the page tree, in each language, never cached."""

from django.urls import path

from . import signing_views

urlpatterns = [
    path(
        "signatures/confirm/<str:token>/",
        signing_views.confirm_signature,
        name="signature_confirm",
    ),
    path(
        "signatures/draft/<str:token>/",
        signing_views.statement_draft_sign,
        name="statement_draft_sign",
    ),
    path(
        "signatures/organisations/",
        signing_views.organisations_matching,
        name="signing_organisations",
    ),
]

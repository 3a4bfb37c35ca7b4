"""Outbox delivery, every minute."""

from flask import Flask

from yoi_welfare.outbox.services import deliver_due, mail_settings, transport_for


def run(app: Flask):
    settings = mail_settings(app.config)
    return deliver_due(transport_for(settings), settings.mail_from)

from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    name = "gateways"
    verbose_name = "Gateways and ingestion"

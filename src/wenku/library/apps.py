from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "wenku.library"
    label = "library"
    verbose_name = "文库"

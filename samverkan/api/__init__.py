"""The JSON API (django-ninja). The NinjaAPI object and router list live in api.main."""

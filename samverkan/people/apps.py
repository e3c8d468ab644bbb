from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "samverkan.people"
    verbose_name = _("Personer och insatser")

    def ready(self) -> None:
        from samverkan.notifications.services import register_describer
        from samverkan.people.access import has_read_role
        from samverkan.people.queue import describe_task_notifications, people_tasks
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        register_nav("people", "people:index", visible=has_read_role)
        register_work_queue(people_tasks)
        register_describer("people:task", describe_task_notifications)

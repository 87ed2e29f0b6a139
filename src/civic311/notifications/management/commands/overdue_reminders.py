"""`civic311 overdue-reminders`: queue today's overdue emails to supervisors now.

The worker does this by itself every day from CIVIC311_OVERDUE_REMINDER_HOUR;
this command is for cron setups without a long-running worker, and for trying
it out. Running it twice in a day queues nothing new.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civic311.notifications import reminders


class Command(BaseCommand):
    help = "Queue today's overdue-requests email for each department's supervisors (once a day)."

    def handle(self, *args, **options) -> None:
        done = reminders.queue_overdue_reminders()
        departments = (
            "1 department has"
            if done.departments == 1
            else (f"{done.departments} departments have")
        )
        self.stdout.write(
            f"civic311 overdue-reminders: {done.reminders} queued now "
            f"({departments} overdue requests); `civic311 worker` sends them."
        )

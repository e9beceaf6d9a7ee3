"""The secretariat's pages: members and invitations, reporting rounds and their reminders,
the completeness dashboard, indicator targets and the work programme's activities.

Only the coordinator (or a superuser) reaches them; the Django admin stays for superusers.
"""

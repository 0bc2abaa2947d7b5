from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@register.simple_tag
def time_left(deadline, now) -> str:
    """ "3 h 20 min left" or "1 d 2 h overdue"."""
    seconds = (deadline - now).total_seconds()
    if seconds >= 0:
        return _("%(span)s left") % {"span": _span(seconds)}
    return _("%(span)s overdue") % {"span": _span(-seconds)}


@register.filter
def hours(value) -> str:
    return "–" if value is None else _("%(h)s h") % {"h": number_format(value, 1)}


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{round(value * 100)} %"

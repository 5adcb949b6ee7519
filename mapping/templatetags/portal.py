from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (no query: the mapping is built by a selector)."""
    return mapping.get(key) if mapping else None

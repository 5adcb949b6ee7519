from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (no query: the mapping is built by a selector)."""
    return mapping.get(key) if mapping else None


@register.filter
def angka(value, max_places=3):
    """A number as Indonesian readers write it (purbalingga_umkm.numbers.format_number)."""
    from purbalingga_umkm.numbers import format_number

    return format_number(value, int(max_places))

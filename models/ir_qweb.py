from lxml import etree

from odoo import models

QWEB_BATCH_CACHE_KEY = "sale_after_sales_qweb_batch_cache"


class QwebBatchCache(dict):
    """Compiled templates of one batch of follow-ups; the records whose
    rendering failed (``render_errors``: {(model, res_id): exception}, see
    ``mail.render.mixin._render_template``); the bodies wrapped in the e-mail
    layout (``layout_bodies``: {wrapped: body}, see ``mail.mail.create``).
    Compared and hashed by identity: it travels in the context, which
    environments compare."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__

    def __init__(self):
        super().__init__()
        self.render_errors = {}
        self.layout_bodies = {}


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Compile an inline template once per batch of follow-up e-mails.

        Odoo caches templates stored as views, not the ones given as an element:
        mail templates render their body from a new element for each record, so
        300 e-mails compiled their template 300 times (two thirds of the time
        of the e-mail steps, measured by ``make bench``). Within a batch of the
        follow-ups' scheduled action (``QWEB_BATCH_CACHE_KEY`` in the context),
        an element is compiled once per source and compilation options, exactly
        the keys of Odoo's own template cache; the compiled code is rendered
        with each record's values as before.

        Relies on Odoo (``base/models/ir_qweb.py``, ``mail/models/mail_render_mixin.py``):
        ``_compile(template)`` returns the compiled code, ``(template_functions,
        def_name, options)``, which depends only on the template and on the
        context keys of ``_get_template_cache_keys()`` (the key of Odoo's own
        ``_generate_code_cached``), never on the values rendered; and
        ``mail.render.mixin._render_template_qweb`` renders each record from a
        new element parsed from the same source. ``test_odoo_overrides`` checks
        that the signature of ``_compile`` is still Odoo's.
        """
        cache = self.env.context.get(QWEB_BATCH_CACHE_KEY)
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            tuple(self.env.context.get(k) or False for k in self._get_template_cache_keys()),
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]

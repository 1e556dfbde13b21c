import logging

import psycopg2

from odoo import api, models

from .ir_qweb import QWEB_BATCH_CACHE_KEY

_logger = logging.getLogger(__name__)


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template(
        self, template_src, model, res_ids, engine="inline_template", add_context=None, options=None
    ):
        """Within a batch of follow-up e-mails, one record that fails to render
        costs that record, not the batch.

        Odoo renders a template for all the records at once and raises on the
        first error, so a batch of 200 e-mails with one broken record had to be
        tried again one follow-up at a time (about twice the time and queries of
        a clean run, measured by ``make bench``). Here, when a batch rendering
        fails, its records are rendered again one by one (the compiled template
        and the records' values are already in cache), the failing ones get an
        empty result and their error is kept in the batch cache; the caller
        discards their e-mails and marks their follow-ups failed. Database
        errors still abort the batch (the transaction cannot go on).

        Relies on Odoo (``mail/models/mail_render_mixin.py``): ``_render_template``
        renders the records of ``res_ids`` and returns ``{res_id: result}``, and
        calling it again on one record renders the same as in the batch (it
        renders each record on its own: ``_render_template_qweb`` and
        ``_render_template_inline_template`` loop over the records);
        ``mail.template._generate_template`` renders every field of a batch
        through it (``_render_field``). ``test_odoo_overrides`` checks that its signature is still
        Odoo's.
        """
        cache = self.env.context.get(QWEB_BATCH_CACHE_KEY)
        render = super()._render_template
        args = (template_src, model)
        kwargs = {"engine": engine, "add_context": add_context, "options": options}
        if cache is None:
            return render(*args, res_ids, **kwargs)
        try:
            return render(*args, res_ids, **kwargs)
        except psycopg2.Error:
            raise
        except Exception:  # noqa: BLE001 - isolated record by record below
            _logger.info("Rendering failed for a batch of %s; rendering one by one", model)
        results = {}
        for res_id in res_ids:
            try:
                results.update(render(*args, [res_id], **kwargs))
            except psycopg2.Error:
                raise
            except Exception as error:  # noqa: BLE001 - reported on the follow-up
                cache.render_errors.setdefault((model, res_id), error)
                results[res_id] = ""
        return results

    @api.model
    def _render_encapsulate(self, layout_xmlid, html, add_context=None, context_record=None):
        """Within a batch of follow-up e-mails, remember each body wrapped in
        the layout, so that its message keeps the body alone (``mail.mail``).

        A follow-up's e-mail (its rating request) is headed for the customer,
        not with the follow-up's internal name (see
        ``service.followup._get_customer_mail_heading``).

        Relies on Odoo (``mail/models/mail_template.py``, ``send_mail_batch``):
        the body returned here is given unchanged as the ``body_html`` and the
        ``body`` of the values of ``mail.mail.create``; ``add_context`` reaches
        the layout's rendering values. ``test_odoo_overrides`` checks that the
        signature of ``_render_encapsulate`` is still Odoo's.
        """
        if context_record and context_record._name == "service.followup":
            add_context = {**(add_context or {}), **context_record._get_customer_mail_heading()}
        wrapped = super()._render_encapsulate(
            layout_xmlid, html, add_context=add_context, context_record=context_record
        )
        cache = self.env.context.get(QWEB_BATCH_CACHE_KEY)
        if cache is not None:
            cache.layout_bodies[wrapped] = html
        return wrapped

from collections import defaultdict

from odoo import api, models

from .ir_qweb import QWEB_BATCH_CACHE_KEY


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model_create_multi
    def create(self, vals_list):
        """Within a batch of follow-up e-mails, the message logged on the order
        keeps the body the template rendered; the e-mail sent keeps it wrapped in
        the layout (``body_html``), unchanged. The customer's reply goes to the
        document's thread, as with Odoo's notifications (rating requests).

        ``mail.template.send_mail_batch`` logs the whole layout as the message,
        which Odoo then sanitizes for every e-mail: two fifths of the time of an
        e-mail step, measured by ``make bench`` (1.8 ms for the wrapped
        thank-you against 0.5 ms for its body). Odoo's own mass-mailing composer
        does the same as here: the body as the message, the layout in the e-mail.

        Relies on Odoo (``mail/models/mail_template.py``, ``send_mail_batch``):
        the mails of a template are created in one ``create()`` whose values
        hold the wrapped body as ``body`` (the message's) and ``body_html``
        (see ``mail.render.mixin._render_encapsulate``), with ``model`` and
        ``res_id``; ``mail.thread._notify_get_reply_to_batch`` gives the
        reply-to of Odoo's notifications. ``test_odoo_overrides`` checks that
        the signature of ``create`` is still Odoo's.
        """
        cache = self.env.context.get(QWEB_BATCH_CACHE_KEY)
        if cache is not None:
            for vals in vals_list:
                body = cache.layout_bodies.get(vals.get("body"))
                if body is not None:
                    vals["body"] = body
            self._set_thread_reply_to(vals_list)
        return super().create(vals_list)

    @api.model
    def _set_thread_reply_to(self, vals_list):
        """The reply-to of e-mails whose template gives none: the document's
        alias or the company's catchall, else the sender (Odoo's
        ``_notify_get_reply_to``), computed for the batch at once."""
        per_model = defaultdict(list)
        for vals in vals_list:
            if not vals.get("reply_to") and vals.get("model") and vals.get("res_id"):
                per_model[vals["model"]].append(vals)
        for model, model_vals in per_model.items():
            by_record = {vals["res_id"]: vals for vals in model_vals}
            reply_to = (
                self.env[model]
                .browse(by_record)
                .sudo()
                ._notify_get_reply_to_batch(
                    defaults={res_id: vals.get("email_from") for res_id, vals in by_record.items()},
                    author_ids={
                        res_id: vals.get("author_id") for res_id, vals in by_record.items()
                    },
                )
            )
            for vals in model_vals:
                vals["reply_to"] = reply_to[vals["res_id"]]

"""The customer's side of the service history: what he sees in the portal,
and the requests he sends from it (a case for the service department)."""

from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, ValidationError
from odoo.tools import mute_logger, plaintext2html

# What the customer may ask for in the portal, and the type of case it opens.
REQUEST_KINDS = {
    "repair": "repair",
    "maintenance": "service_request",
    "question": "service_request",
}
MAX_REQUEST_FILES = 5
MAX_REQUEST_FILE_SIZE = 10 * 1024 * 1024


class ServiceHistory(models.Model):
    _inherit = "service.history"

    portal_request_key = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="The one-time key of the portal form that sent this request: the same form "
        "sent twice is one request.",
    )
    portal_visible = fields.Boolean(
        string="Visible to the Customer",
        compute="_compute_portal_visible",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Shown in the customer portal. Sales notes and internal entries never are: "
        "their types are not visible to the customer.",
    )

    _portal_request_key_unique = models.UniqueIndex(
        "(portal_request_key) WHERE portal_request_key IS NOT NULL",
        "This request was sent already.",
    )

    @api.depends("type_id")
    def _compute_portal_visible(self):
        for entry in self:
            entry.portal_visible = entry.type_id.portal_visible

    def _compute_access_url(self):
        super()._compute_access_url()
        for entry in self:
            entry.access_url = f"/my/service/{entry.id}"

    @api.model
    def _get_portal_request_kinds(self):
        return [
            ("repair", self.env._("Repair")),
            ("maintenance", self.env._("Maintenance")),
            ("question", self.env._("Question")),
        ]

    @api.model
    def _create_portal_request(self, kind, description, equipment=None, files=(), request_key=None):
        """A service request of the portal user: an open case for the service
        department, about one of his pieces of equipment or in general.

        The only way a portal user creates an entry: he has no create right on
        entries (over RPC he could otherwise log a maintenance that rolls his
        piece's reminders forward, a sale, or an entry posing as the staff's).
        What he chooses is checked here as him (the kind, the text, the files,
        that he may read the piece, how many requests he sent this hour); the
        case is then written by the system with the values a request has, the
        creator staying him.

        :param request_key: the one-time key of the form he sent: a form sent
            again (a second click, a reload, two connections at once) gives the
            case of the first, never a second one. A second request with the
            same key that runs while the first is not committed yet waits for
            it on the key's unique index, then is retried by Odoo
            (``ConcurrencyError``) and finds the first case.
        """
        if request_key:
            sent = self._get_portal_request_by_key(request_key)
            if sent:
                return sent
        labels = dict(self._get_portal_request_kinds())
        if kind not in REQUEST_KINDS:
            raise ValidationError(
                self.env._("Choose what you need: a repair, a maintenance or an answer.")
            )
        # PostgreSQL stores no NUL character: a pasted one would fail the request.
        description = (description or "").replace("\x00", "").strip()
        if not description:
            raise ValidationError(self.env._("Tell us what happens or what you need."))
        if len(description) > 10000:
            raise ValidationError(
                self.env._("The description is too long (10 000 characters at most).")
            )
        self._check_portal_request_rate()
        attachments = self._read_portal_request_files(files)
        if equipment:
            equipment.check_access("read")  # his own equipment only
        request_type = self.env["service.history.type"]._get_by_code(REQUEST_KINDS[kind])
        first_line = description.splitlines()[0][:80]
        subject = equipment.display_name if equipment else first_line
        if request_key:
            self._lock_portal_request_key(request_key)
        try:
            # The unique index catches what the lock cannot: a request that
            # committed after this transaction began, invisible to it. Its
            # error is expected, and answered by a retry: not logged.
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                case = self.sudo().create(
                    {
                        "partner_id": self.env.user.partner_id.id,
                        "type_id": request_type.id,
                        "summary": f"{labels[kind]}: {subject}",
                        "description": plaintext2html(description),
                        "equipment_id": equipment.id if equipment else False,
                        "order_id": equipment.order_id.id if equipment else False,
                        "product_id": equipment.product_id.id if equipment else False,
                        "user_id": False,
                        "source": "portal",
                        "portal_visible": True,
                        "portal_request_key": request_key or False,
                    }
                )
        except psycopg2.errors.UniqueViolation as error:
            # The same form, sent at the same time, committed first.
            raise ConcurrencyError("The same service request is being sent twice") from error
        # The service department's side of the request (portal users neither
        # assign cases nor plan activities), on this new case only.
        case._assign_portal_request(attachments)
        return case.with_env(self.env)

    @api.model
    def _lock_portal_request_key(self, request_key):
        """Hold the form's key for this transaction, or have the request tried
        again by Odoo (``ConcurrencyError``) when another transaction is
        creating its case right now: the retry finds that case."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%s))",
            [f"sale_after_sales.portal_request:{request_key}"],
        )
        if not self.env.cr.fetchone()[0]:
            raise ConcurrencyError("The same service request is being sent twice")

    @api.model
    def _get_portal_request_by_key(self, request_key):
        """The case the current user's form with this key created, if any."""
        # sudo: the key is a restricted field; the case is his own.
        case = self.sudo().search(
            [("portal_request_key", "=", request_key), ("create_uid", "=", self.env.uid)],
            limit=1,
        )
        return case.with_env(self.env)

    @api.model
    def _check_portal_request_rate(self):
        """At most the company's limit of requests an hour for one customer
        (his company and its contacts together): a flood is refused with a
        message, nothing created."""
        limit = self.env.company.portal_request_limit
        if limit <= 0:
            return
        partner = self.env.user.partner_id.commercial_partner_id
        # sudo: counts his company's requests, also those he may not see.
        sent = self.sudo().search_count(
            [
                ("source", "=", "portal"),
                ("commercial_partner_id", "=", partner.id),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=1)),
            ]
        )
        if sent >= limit:
            phone = self.env.company.phone
            raise ValidationError(
                self.env._(
                    "You have sent %(count)s requests in the last hour: our service department "
                    "is on them. Please wait before sending another one, or call us at %(phone)s.",
                    count=sent,
                    phone=phone,
                )
                if phone
                else self.env._(
                    "You have sent %(count)s requests in the last hour: our service department "
                    "is on them. Please wait before sending another one.",
                    count=sent,
                )
            )

    @api.model
    def _read_portal_request_files(self, files):
        """The files of a portal request as ``[(name, content)]``, every one
        read and checked before the case is created: a file too large refuses
        the whole request, never leaving a case without its files behind."""
        files = [f for f in files if f and f.filename]
        if len(files) > MAX_REQUEST_FILES:
            raise ValidationError(
                self.env._("Attach %(count)s files at most.", count=MAX_REQUEST_FILES)
            )
        attachments = []
        for upload in files:
            content = upload.read(MAX_REQUEST_FILE_SIZE + 1)
            if len(content) > MAX_REQUEST_FILE_SIZE:
                raise ValidationError(
                    self.env._("%(name)s is larger than 10 MB.", name=upload.filename)
                )
            attachments.append((upload.filename, content))
        return attachments

    def _assign_portal_request(self, attachments=()):
        """:param attachments: ``[(name, content)]``, checked already"""
        self.ensure_one()
        owner = self._get_default_case_owner(self.order_id, self.company_id)
        if owner:
            self.owner_id = owner
        self._schedule_case_activity()
        # His words open the case's conversation, with his files: he sees them
        # in the portal's thread and answers there; the owner gets them.
        self.message_post(
            body=self.description,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=list(attachments),
        )

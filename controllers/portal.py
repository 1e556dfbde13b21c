import re
import uuid

from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# The one-time key of a request form: 32 hexadecimal characters (uuid4().hex).
REQUEST_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class AfterSalesPortal(CustomerPortal):
    """The customer's equipment and service in the portal: what he owns, its
    warranty and maintenance, the care advice, the service history he may see,
    his cases and pending ratings, and a form to ask for service.

    Records are read as the portal user: the record rules give him his own
    company's records only. Two things are done for him by the system, on the
    records he was given: the links of his pending ratings (Odoo creates the
    rating's token as the follow-up's operator, whom he may not read), and the
    case his request opens (see ``service.history._create_portal_request``).
    The lists are built by overridable ``_prepare_*_values`` helpers, with
    Odoo's pager, sortings and search, as core's portal pages are.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "equipment_count" in counters:
            Equipment = request.env["service.equipment"]
            values["equipment_count"] = (
                Equipment.search_count(self._get_equipment_domain())
                if Equipment.has_access("read")
                else 0
            )
        if "service_case_count" in counters:
            History = request.env["service.history"]
            values["service_case_count"] = (
                History.search_count([("case_state", "in", ("open", "in_progress"))])
                if History.has_access("read")
                else 0
            )
        return values

    def _get_searchbar_values(self, sortings, inputs, sortby, search_in, search):
        """The search bar of a list page, with what the customer asked checked:
        an unknown sorting or field is the first one, the text has no NUL
        character (PostgreSQL refuses it) and 200 characters at most."""
        return {
            "searchbar_sortings": sortings,
            "searchbar_inputs": inputs,
            "sortby": sortby if sortby in sortings else next(iter(sortings)),
            "search_in": search_in if search_in in inputs else next(iter(inputs)),
            "search": (search or "").replace("\x00", "")[:200],
        }

    # === EQUIPMENT ===

    def _get_equipment_domain(self):
        return [("state", "=", "in_service")]

    def _get_equipment_searchbar_sortings(self):
        return {
            "name": {"label": request.env._("Name"), "order": "name, id"},
            "warranty": {"label": request.env._("Warranty End"), "order": "warranty_end, name, id"},
            "maintenance": {
                "label": request.env._("Next Maintenance"),
                "order": "next_maintenance_date, name, id",
            },
        }

    def _get_equipment_searchbar_inputs(self):
        return {
            "all": {"input": "all", "label": request.env._("Search in All")},
            "name": {"input": "name", "label": request.env._("Search in Name")},
            "serial_number": {
                "input": "serial_number",
                "label": request.env._("Search in Serial Number"),
            },
        }

    def _get_equipment_search_domain(self, search_in, search):
        if not search:
            return Domain.TRUE
        if search_in in ("name", "serial_number"):
            return Domain(search_in, "ilike", search)
        return Domain("name", "ilike", search) | Domain("serial_number", "ilike", search)

    def _prepare_my_equipment_values(self, page=1, sortby=None, search=None, search_in="all"):
        Equipment = request.env["service.equipment"]
        bar = self._get_searchbar_values(
            self._get_equipment_searchbar_sortings(),
            self._get_equipment_searchbar_inputs(),
            sortby,
            search_in,
            search,
        )
        domain = Domain(self._get_equipment_domain()) & self._get_equipment_search_domain(
            bar["search_in"], bar["search"]
        )
        pager = portal_pager(
            url="/my/equipment",
            url_args={key: bar[key] for key in ("sortby", "search_in", "search")},
            total=Equipment.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        equipment = Equipment.search(
            domain,
            order=bar["searchbar_sortings"][bar["sortby"]]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        return {
            **self._prepare_portal_layout_values(),
            "equipment": equipment,
            "pager": pager,
            "page_name": "equipment",
            "default_url": "/my/equipment",
            **bar,
        }

    @http.route(
        ["/my/equipment", "/my/equipment/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_equipment(self, page=1, sortby=None, search=None, search_in="all", **kw):
        values = self._prepare_my_equipment_values(page, sortby, search, search_in)
        return request.render("sale_after_sales.portal_my_equipment", values)

    def _prepare_equipment_page_values(self, equipment):
        return {
            **self._prepare_portal_layout_values(),
            "piece": equipment,
            "entries": request.env["service.history"].search(
                [("equipment_id", "=", equipment.id)], limit=50
            ),
            "page_name": "equipment_page",
        }

    @http.route(["/my/equipment/<int:equipment_id>"], type="http", auth="user", website=True)
    def portal_equipment_page(self, equipment_id, **kw):
        equipment = request.env["service.equipment"].browse(equipment_id)
        try:
            equipment.check_access("read")
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not equipment:  # /my/equipment/0
            return request.redirect("/my")
        values = self._prepare_equipment_page_values(equipment)
        return request.render("sale_after_sales.portal_equipment_page", values)

    # === SERVICE ===

    def _get_service_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "summary": {"label": request.env._("Subject"), "order": "summary, id"},
        }

    def _get_service_searchbar_inputs(self):
        return {
            "summary": {"input": "summary", "label": request.env._("Search in Subject")},
        }

    def _prepare_my_service_values(self, page=1, sortby=None, search=None, search_in="summary"):
        """His open cases and ratings to answer in full; the rest of his
        history (closed cases included) page by page."""
        History = request.env["service.history"]
        Followup = request.env["service.followup"]
        bar = self._get_searchbar_values(
            self._get_service_searchbar_sortings(),
            self._get_service_searchbar_inputs(),
            sortby,
            search_in,
            search,
        )
        open_domain = Domain("case_state", "in", ("open", "in_progress"))
        history_domain = ~open_domain
        if bar["search"]:
            history_domain &= Domain(bar["search_in"], "ilike", bar["search"])
        pager = portal_pager(
            url="/my/service",
            url_args={key: bar[key] for key in ("sortby", "search_in", "search")},
            total=History.search_count(history_domain),
            page=page,
            step=self._items_per_page,
        )
        ratings = Followup.search([("answer_state", "=", "waiting"), ("state", "=", "due")])
        return {
            **self._prepare_portal_layout_values(),
            "cases": History.search(open_domain),
            "entries": History.search(
                history_domain,
                order=bar["searchbar_sortings"][bar["sortby"]]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            ),
            "ratings": ratings,
            # sudo: Odoo creates the token as the rating's operator (the
            # follow-up's user), whom a portal user may not read; the
            # follow-ups are his own, found as him above.
            "rating_tokens": {
                followup.id: followup.sudo()._rating_get_access_token() for followup in ratings
            },
            "pager": pager,
            "page_name": "service",
            "default_url": "/my/service",
            **bar,
        }

    @http.route(
        ["/my/service", "/my/service/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_service(self, page=1, sortby=None, search=None, search_in="summary", **kw):
        values = self._prepare_my_service_values(page, sortby, search, search_in)
        return request.render("sale_after_sales.portal_my_service", values)

    def _prepare_service_request_values(self, equipment, kind=None, description=None, error=None):
        History = request.env["service.history"]
        return {
            **self._prepare_portal_layout_values(),
            "piece": equipment,
            "all_equipment": request.env["service.equipment"].search(self._get_equipment_domain()),
            "kinds": History._get_portal_request_kinds(),
            "kind": kind or "repair",
            "description": description or "",
            "error": error,
            # A new key for each form shown: the same form sent twice is one request.
            "request_key": uuid.uuid4().hex,
            "page_name": "service_request",
        }

    @http.route(
        ["/my/service/request"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_service_request(
        self, equipment_id=None, kind=None, description=None, request_key=None, **kw
    ):
        History = request.env["service.history"]
        equipment = request.env["service.equipment"]
        if equipment_id:
            try:
                equipment = equipment.browse(int(equipment_id))
                equipment.check_access("read")
            except (AccessError, MissingError, ValueError):
                return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            key = request_key if REQUEST_KEY_RE.match(request_key or "") else None
            try:
                if not key:  # a form of another page or of an old version
                    raise ValidationError(
                        request.env._(
                            "This form has expired: check your request and send it again."
                        )
                    )
                # Refused requests leave nothing behind, though the page is
                # rendered (and the transaction committed) with the message.
                with request.env.cr.savepoint():
                    case = History._create_portal_request(
                        kind,
                        description,
                        equipment=equipment or None,
                        files=request.httprequest.files.getlist("attachments"),
                        request_key=key,
                    )
            except ValidationError as exc:
                error = exc.args[0]
            else:
                return request.redirect(f"/my/service/{case.id}?message=created")
        values = self._prepare_service_request_values(equipment, kind, description, error)
        return request.render("sale_after_sales.portal_service_request", values)

    @http.route(["/my/service/<int:entry_id>"], type="http", auth="public", website=True)
    def portal_service_entry(self, entry_id, access_token=None, message=None, **kw):
        try:
            entry_sudo = self._document_check_access(
                "service.history", entry_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not entry_sudo.portal_visible:
            return request.redirect("/my")
        values = self._get_page_view_values(
            entry_sudo,
            access_token,
            {"entry": entry_sudo, "message": message, "page_name": "service_entry"},
            "my_service_history",
            False,
        )
        return request.render("sale_after_sales.portal_service_entry", values)

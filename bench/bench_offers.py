"""The offers (``make bench --offer-pieces N``): N pieces whose warranty ends
soon, one a customer, their quotations made from the step's template and
e-mailed by the scheduled action; beside what a salesperson does in Odoo for
the same customers: a quotation from the same template (``create`` with the
template, then the template's onchange), sent with *Send by E-mail* (the
composer ``action_quotation_send`` opens, then its Send), one by one.

Both sides e-mail Odoo's quotation template and queue the mails: the
composer's "send directly" is turned off for Odoo's side, as the module
always queues; the mail queue sends them later, for both alike. The goal is
checked without the template's PDF of the quotation (taken off the template
for both): ``--rounds`` rounds, new pieces each, median ratio. Then with it,
on ``--peer-orders`` pieces at most: wkhtmltopdf then takes most of the time,
a run per quotation on Odoo's side; the module renders a batch's PDFs in one
run where wkhtmltopdf can (its patched build), one each otherwise."""

import time
from datetime import timedelta

from bench_common import WARM_UP_ORDERS, median_ratio, ratio
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.fields import Domain


def _setup(bench):
    """The machine (tracked, 24 months of warranty), the warranty extension,
    its quotation template and the plan offering it 30 days before the
    warranty ends (the only active plan)."""
    env = bench.env
    machine = env["product.product"].create(
        {
            "name": "Bench Espresso Machine",
            "type": "consu",
            "list_price": 2450,
            "service_track_equipment": True,
            "service_warranty_months": 24,
        }
    )
    extension = env["product.product"].create(
        {
            "name": "Bench Warranty +12 months",
            "type": "service",
            "list_price": 149,
            "service_warranty_extension_months": 12,
        }
    )
    template = env["sale.order.template"].create(
        {
            "name": "Bench: extended warranty",
            "number_of_days": 30,
            "require_signature": True,
            "sale_order_template_line_ids": [
                Command.create({"product_id": extension.id, "product_uom_qty": 1})
            ],
        }
    )
    plan = bench.only_plan(
        "Bench: warranty offer",
        {
            "name": "Offer an extended warranty",
            "delay_count": 30,
            "delay_from": "before_plan_date",
            "create_activity": False,
            "offer_template_id": template.id,
            "offer_window_days": 30,
        },
        trigger="warranty_ends",
    )
    return machine, template, plan


def _customers(bench, count, label):
    partners = bench.env["res.partner"].create(
        [
            {"name": f"Bench {label} customer {index}", "email": f"offer{index}@example.com"}
            for index in range(count)
        ]
    )
    bench.cr.commit()
    return partners


def _due_pieces(bench, partners, machine, user):
    """A confirmed order of one machine for each of ``partners``, its
    warranty ending in 20 days: its offer is due (planned 10 days ago)."""
    env, cr = bench.env, bench.cr
    print(f"creating {len(partners)} pieces whose offer is due...", flush=True)
    start = time.perf_counter()
    today = fields.Date.context_today(env["res.partner"])
    pieces = env["service.equipment"]
    for chunk_start in range(0, len(partners), 500):
        chunk = partners[chunk_start : chunk_start + 500]
        orders = bench.new_orders(chunk, machine, user)
        orders.action_confirm()
        chunk_pieces = orders.equipment_ids
        chunk_pieces.date_start = today - relativedelta(months=24) + timedelta(days=20)
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        pieces |= chunk_pieces
    Followup = env["service.followup"]
    due = Followup.search_count(
        Followup._get_due_domain() & Domain("equipment_id", "in", pieces.ids)
    )
    assert due == len(partners), f"{due} offers due for {len(partners)} pieces"
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return pieces


def _module_offers(bench, pieces, label):
    env = bench.env
    Followup = env["service.followup"]
    with bench.measure(label, len(pieces)) as figures:
        Followup._cron_process_due(batch_size=bench.args.batch_size)
    offers = env["sale.order"].search([("order_line.service_equipment_id", "in", pieces.ids)])
    sent = offers.filtered(lambda o: o.state == "sent")
    assert len(sent) == len(pieces), f"{len(sent)} quotations sent for {len(pieces)} pieces"
    return figures


def _odoo_quotations(bench, partners, template, label):
    """What a salesperson does for each customer: a new quotation, the
    template chosen (its onchange fills the lines), saved; *Send by E-mail*
    and Send. The e-mail is queued (the composer's "send directly" off)."""
    env = bench.env
    SaleOrder = env["sale.order"]
    Composer = env["mail.compose.message"]
    with bench.measure(label, len(partners)) as figures:
        for partner in partners:
            order = SaleOrder.create(
                {"partner_id": partner.id, "sale_order_template_id": template.id}
            )
            order._onchange_sale_order_template_id()
            action = order.action_quotation_send()
            composer = Composer.with_context(action["context"]).create({"force_send": False})
            composer.action_send_mail()
    orders = SaleOrder.search(
        [("partner_id", "in", partners.ids), ("sale_order_template_id", "=", template.id)]
    )
    sent = orders.filtered(lambda o: o.state == "sent" and o.order_line)
    assert len(sent) >= len(partners), f"{len(sent)} quotations sent for {len(partners)}"
    return figures


def offers(bench, user):
    print()
    env, args = bench.env, bench.args
    count = args.offer_pieces
    machine, template, _plan = _setup(bench)
    # The quotation e-mail both sides send, and its PDF.
    mail_template = env.ref("sale.email_template_edi_sale")
    pdf = mail_template.report_template_ids

    def with_pdf(on):
        mail_template.report_template_ids = pdf if on else False
        bench.cr.commit()

    warm_partners = _customers(bench, 2 * WARM_UP_ORDERS, "warm-up")
    for number, on in enumerate((False, True)):
        with_pdf(on)
        partners = warm_partners[number * WARM_UP_ORDERS : (number + 1) * WARM_UP_ORDERS]
        warm = _due_pieces(bench, partners, machine, user)
        with bench.warm_up():
            _module_offers(bench, warm, "warm-up")
            _odoo_quotations(bench, partners, template, "warm-up")
    with_pdf(False)
    pairs = []
    for number in range(1, args.rounds + 1):
        partners = _customers(bench, count, f"offer {number}")
        pieces = _due_pieces(bench, partners, machine, user)
        ours = _module_offers(bench, pieces, f"offers made and e-mailed (round {number})")
        theirs = _odoo_quotations(
            bench, partners, template, f"Odoo: quotation + Send by E-mail (round {number})"
        )
        pairs.append((ours, theirs))
    with_pdf(True)
    peers = min(count, args.peer_orders)
    partners = _customers(bench, peers, "offer with PDF")
    pieces = _due_pieces(bench, partners, machine, user)
    ours_pdf = _module_offers(bench, pieces, "offers, e-mail with the quotation's PDF")
    theirs_pdf = _odoo_quotations(bench, partners, template, "Odoo: the same, with the PDF")
    batches = -(-count // args.batch_size)
    queries = [ours["queries"] / batches for ours, _theirs in pairs]
    print(f"queries per batch of {args.batch_size}: " + ", ".join(f"{q:.0f}" for q in queries))
    print("offers against Odoo's quotation from the template sent by e-mail (goal: 5x):")
    median_ratio(pairs, "a quotation from the template, Send by E-mail, one by one (no PDF)")
    ratio(ours_pdf, theirs_pdf, "the same, the e-mails with the quotation's PDF (wkhtmltopdf)")

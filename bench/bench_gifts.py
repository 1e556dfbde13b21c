"""The gifts (``make bench --gift-customers N``): N satisfied customers (their
last rating 5 stars), a coupon each created and e-mailed with its code by the
scheduled action (the gift step's conditions checked: satisfied, no open
complaint, no gift lately); beside Odoo's *Generate Coupons* wizard
(``loyalty.generate.wizard``) for the same customers, which creates their
cards and e-mails each the program's communication "at creation".

Odoo's communication template for coupons attaches the card as a PDF, the
module's gift e-mail does not (the code is in its body): Odoo's wizard runs
with the program's template as shipped (on ``--peer-orders`` customers at
most: a PDF each) and with a copy of it without the PDF, which the goal is
checked against. Every e-mail is queued on both sides (Odoo's wizard queues
its communications, as the module does); the mail queue sends them later,
for both alike. ``--rounds`` rounds, new customers each, median ratio."""

import time
from datetime import timedelta

from bench_common import WARM_UP_ORDERS, median_ratio, ratio

from odoo import Command, fields
from odoo.fields import Domain


def _setup(bench):
    """A coupon program whose communication at creation is Odoo's coupon
    e-mail, and the plan giving its coupon to the satisfied customers on
    confirmation (the only active plan)."""
    env = bench.env
    program = env["loyalty.program"].create(
        {
            "name": "Bench: thank-you coupon",
            "program_type": "coupons",
            "applies_on": "current",
            "trigger": "with_code",
            "rule_ids": [Command.create({"reward_point_amount": 1})],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": 10,
                        "discount_mode": "percent",
                        "discount_applicability": "order",
                        "required_points": 1,
                    }
                )
            ],
            "communication_plan_ids": [
                Command.clear(),
                Command.create(
                    {
                        "trigger": "create",
                        "mail_template_id": env.ref("loyalty.mail_template_loyalty_card").id,
                    }
                ),
            ],
        }
    )
    plan = bench.only_plan(
        "Bench: a coupon for the happy ones",
        {
            "name": "Coupon for the happy ones",
            "create_activity": False,
            "gift_program_id": program.id,
            "gift_validity_days": 90,
            "gift_condition": "happy",
        },
        trigger="order_confirmed",
    )
    return program, plan


def _satisfied_customers(bench, count, label, product, user):
    """``count`` customers who rated us 5 stars, each with a confirmed order
    whose gift follow-up is due."""
    env, cr = bench.env, bench.cr
    print(f"creating {count} satisfied customers with a due gift...", flush=True)
    start = time.perf_counter()
    rated = env.ref("sale_after_sales.history_type_followup")
    partners = env["res.partner"]
    for chunk_start in range(0, count, 500):
        chunk = env["res.partner"].create(
            [
                {"name": f"Bench {label} customer {index}", "email": f"gift{index}@example.com"}
                for index in range(chunk_start, min(count, chunk_start + 500))
            ]
        )
        env["service.history"].create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": rated.id,
                    "summary": "How satisfied are you?",
                    "satisfaction": "5",
                }
                for partner in chunk
            ]
        )
        orders = bench.new_orders(chunk, product, user)
        orders.action_confirm()
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        partners |= chunk
    Followup = env["service.followup"]
    due = Followup.search_count(
        Followup._get_due_domain() & Domain("commercial_partner_id", "in", partners.ids)
    )
    assert due == count, f"{due} gifts due for {count} customers"
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    return partners


def _module_gifts(bench, partners, label):
    env = bench.env
    with bench.measure(label, len(partners)) as figures:
        env["service.followup"]._cron_process_due(batch_size=bench.args.batch_size)
    cards = env["loyalty.card"].search_count([("followup_partner_id", "in", partners.ids)])
    assert cards == len(partners), f"{cards} gifts for {len(partners)} customers"
    return figures


def _odoo_wizard(bench, program, partners, label):
    """Odoo's *Generate Coupons* for the selected customers, as the program's
    button opens it: a card each, e-mailed with the program's communication."""
    env = bench.env
    Card = env["loyalty.card"]
    before = Card.search_count([("program_id", "=", program.id)])
    with bench.measure(label, len(partners)) as figures:
        wizard = (
            env["loyalty.generate.wizard"]
            .with_context(active_id=program.id)
            .create(
                {
                    "mode": "selected",
                    "customer_ids": [Command.set(partners.ids)],
                    "points_granted": 1,
                    "valid_until": fields.Date.context_today(program) + timedelta(days=90),
                    "description": "After-sales gift",
                }
            )
        )
        wizard.generate_coupons()
    made = Card.search_count([("program_id", "=", program.id)]) - before
    assert made == len(partners), f"{made} cards for {len(partners)} customers"
    return figures


def gifts(bench, product, user):
    print()
    args = bench.args
    count = args.gift_customers
    program, _plan = _setup(bench)
    shipped = program.communication_plan_ids.mail_template_id
    without_pdf = shipped.copy({"name": "Bench: coupon e-mail without the PDF"})
    without_pdf.report_template_ids = False
    bench.cr.commit()

    def use(template):
        program.communication_plan_ids.mail_template_id = template
        bench.cr.commit()

    warm = _satisfied_customers(bench, WARM_UP_ORDERS, "warm-up", product, user)
    with bench.warm_up():
        _module_gifts(bench, warm, "warm-up")
        _odoo_wizard(bench, program, warm, "warm-up")
        use(without_pdf)
        _odoo_wizard(bench, program, warm, "warm-up")
    pairs, with_pdf = [], None
    for number in range(1, args.rounds + 1):
        partners = _satisfied_customers(bench, count, f"gift {number}", product, user)
        ours = _module_gifts(bench, partners, f"gifts made and e-mailed (round {number})")
        use(without_pdf)
        theirs = _odoo_wizard(
            bench, program, partners, f"Odoo: Generate Coupons, no PDF (round {number})"
        )
        pairs.append((ours, theirs))
        if with_pdf is None:
            use(shipped)
            with_pdf = _odoo_wizard(
                bench,
                program,
                partners[: args.peer_orders],
                "Odoo: Generate Coupons, e-mail as shipped (PDF)",
            )
    batches = -(-count // args.batch_size)
    queries = [ours["queries"] / batches for ours, _theirs in pairs]
    print(f"queries per batch of {args.batch_size}: " + ", ".join(f"{q:.0f}" for q in queries))
    print("gifts against Odoo's Generate Coupons wizard (goal: 2x the e-mail without the PDF):")
    median_ratio(pairs, "Generate Coupons, the program's e-mail without its PDF")
    ratio(pairs[0][0], with_pdf, "Generate Coupons, the program's e-mail as shipped (PDF)")

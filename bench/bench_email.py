"""The e-mail step (``make bench --email-orders N``): the shipped thank-you sent
by the scheduled action, beside Odoo's automation rules sending the same
template on the same orders; then the fault case: one order among N whose
e-mail fails to render."""

from bench_common import WARM_UP_ORDERS, ratio
from bench_peers import automation_rule_emails


def _email_plan(bench, template, name):
    return bench.only_plan(
        name,
        {
            "name": name,
            "create_activity": False,
            "send_mail": True,
            "mail_template_id": template.id,
        },
    )


def _run_step(bench, orders, label):
    Followup = bench.env["service.followup"]
    with bench.measure(label, len(orders)) as figures:
        Followup._cron_process_due(batch_size=bench.args.batch_size)
    return figures


def email_step(bench, partner, product, user, activity_step):
    print()
    env, args = bench.env, bench.args
    Followup = env["service.followup"]
    template = env.ref("sale_after_sales.mail_template_followup_thank_you")
    plan = _email_plan(bench, template, "Bench: thank-you")
    warm = bench.create_orders(WARM_UP_ORDERS, partner, product, user)
    with bench.warm_up():
        _run_step(bench, warm, "warm-up")
    orders = bench.create_orders(args.email_orders, partner, product, user)
    plan.active = False
    bench.cr.commit()
    ours = _run_step(bench, orders, f"e-mail step (batches of {args.batch_size})")
    sent = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "done")])
    assert sent == len(orders), f"{sent} e-mails for {len(orders)} orders"
    with bench.warm_up():
        automation_rule_emails(bench, warm, template)
        automation_rule_emails(bench, warm, template, "comment")
    rule = automation_rule_emails(bench, orders, template)
    as_message = automation_rule_emails(bench, orders[: args.peer_orders], template, "comment")
    print("e-mail step against Odoo's tools (goal: 5x the rule, a third of the activity step):")
    ratio(ours, rule, "the automation rule sending the same template as e-mail")
    ratio(ours, as_message, "the automation rule sending it as a message (the UI's default)")
    ratio(ours, activity_step, "the activity step (as a fraction: e-mail step / activity step)")
    fault_case(bench, partner, product, user)


def fault_case(bench, partner, product, user):
    """The same number of e-mails twice with a template that shows the
    customer's reference: every order has one, then one order has none (its
    e-mail fails to render)."""
    print()
    env, args = bench.env, bench.args
    Followup = env["service.followup"]
    count = args.email_orders
    figures = {}
    template = None
    for case, missing in (("clean", None), ("faulty", count // 2)):
        orders = bench.create_orders(count, partner, product, user, client_order_ref="ref")
        # Checked on save against the latest order: one with a reference.
        template = template or env.ref("sale_after_sales.mail_template_followup_thank_you").copy(
            {
                "name": "Bench: thank-you with reference",
                "body_html": '<p>Your reference: <t t-out="object.client_order_ref.upper()"/></p>',
            }
        )
        # The step's plan comes after the orders (a template is checked against
        # the latest order), applied to them as by "Apply Follow-up Plan".
        if missing is not None:
            orders[missing].client_order_ref = False
        plan = _email_plan(bench, template, f"Bench: reference ({case})")
        orders._plan_followups("order_confirmed", plans=plan)
        plan.active = False
        bench.cr.commit()
        figures[case] = _run_step(bench, orders, f"e-mail step, {case}")
        done = Followup.search_count(
            [("order_id", "in", orders.ids), ("plan_id", "=", plan.id), ("state", "=", "done")]
        )
        failed = Followup.search_count(
            [("order_id", "in", orders.ids), ("plan_id", "=", plan.id), ("state", "=", "failed")]
        )
        print(f"  {done} sent, {failed} failed")
    clean, faulty = figures["clean"], figures["faulty"]
    print(
        f"one render error among {count}: time {faulty['seconds'] / clean['seconds']:.2f}x, "
        f"queries {faulty['queries'] / clean['queries']:.2f}x the clean run (goal: within 1.2x)"
    )

"""The e-mail step (``make bench --email-orders N``): the shipped thank-you sent
by the scheduled action, beside Odoo's automation rules sending the same
template on the same orders; where an e-mail step's time goes (Odoo's
rendering, layout and creation of the mail against the module's own work);
then the fault case: one order among N whose e-mail fails to render."""

import functools
import time
from collections import Counter
from contextlib import contextmanager

from bench_common import WARM_UP_ORDERS, median_ratio, ratio
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
    email_step_parts(bench, template, partner, product, user, activity_step)
    fault_case(bench, partner, product, user)


# What Odoo does for each e-mail of ``mail.template.send_mail_batch``, timed apart,
ODOO_MAIL_PARTS = {
    "Odoo rendering the template's fields": ("mail.template", "_generate_template"),
    "Odoo wrapping the body in the e-mail layout": ("mail.render.mixin", "_render_encapsulate"),
    "Odoo creating the mail and its message": ("mail.mail", "create"),
}
# and the module's own work called from inside one of them ({label: (model,
# method, Odoo's part it runs in)}), counted as the module's.
MODULE_PARTS_INSIDE = {
    "the products with advice the template lists": (
        "sale.order",
        "_get_after_sales_advice_products",
        "Odoo rendering the template's fields",
    ),
    "the reply-to of the batch's e-mails": (
        "mail.mail",
        "_set_thread_reply_to",
        "Odoo creating the mail and its message",
    ),
}


@contextmanager
def _timed_methods(env, methods):
    """Time the outermost calls of ``methods`` ({label: (model, method)}) in
    the block, in seconds per label (a Counter), by wrapping them on the
    models' classes of this registry; restored afterwards."""
    spent, depth, originals = Counter(), Counter(), []

    def timed(label, method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            depth[label] += 1
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                depth[label] -= 1
                if not depth[label]:
                    spent[label] += time.perf_counter() - start

        return wrapper

    for label, (model, name) in methods.items():
        cls = type(env[model])
        originals.append((cls, name, cls.__dict__.get(name)))
        setattr(cls, name, timed(label, getattr(cls, name)))
    try:
        yield spent
    finally:
        for cls, name, original in reversed(originals):
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)


def email_step_parts(bench, template, partner, product, user, activity_step):
    """Where an e-mail step's time goes: the same step on new orders, Odoo's
    parts of ``send_mail_batch`` timed apart (the timing adds a little to the
    total, which is not compared with anything), against the goal's budget
    for one e-mail: a third of the activity step's rate (its median round),
    so three times the time of an activity step."""
    count = bench.args.email_orders
    plan = _email_plan(bench, template, "Bench: thank-you, timed by part")
    orders = bench.create_orders(count, partner, product, user)
    plan.active = False
    bench.cr.commit()
    methods = ODOO_MAIL_PARTS | {
        label: (model, name) for label, (model, name, _part) in MODULE_PARTS_INSIDE.items()
    }
    with _timed_methods(bench.env, methods) as spent:
        figures = _run_step(bench, orders, "e-mail step, timed by part")
    per_mail = {label: spent[label] * 1000 / count for label in methods}
    for label, (_model, _name, odoo_part) in MODULE_PARTS_INSIDE.items():
        per_mail[odoo_part] -= per_mail[label]
    odoo_ms = sum(per_mail[label] for label in ODOO_MAIL_PARTS)
    total_ms = figures["seconds"] * 1000 / count
    print("where an e-mail step's time goes, per e-mail:")
    for label in ODOO_MAIL_PARTS:
        print(f"  {per_mail[label]:7.2f} ms  {label}")
    print(f"  {total_ms - odoo_ms:7.2f} ms  the module's own work, of which:")
    for label in MODULE_PARTS_INSIDE:
        print(f"  {per_mail[label]:14.2f} ms  {label}")
    budget_ms = 3000 / activity_step["per_second"]
    print(
        f"  {budget_ms:7.2f} ms  the goal's budget for a whole e-mail step (a third of the "
        f"activity step's rate): {'above' if budget_ms >= total_ms else 'below'} the e-mail "
        f"step's {total_ms:.2f} ms, {'above' if budget_ms >= odoo_ms else 'below'} Odoo's "
        f"part alone ({odoo_ms:.2f} ms)"
    )


def fault_case(bench, partner, product, user):
    """The same number of e-mails with a template that shows the customer's
    reference: every order has one (clean), then one order has none (its
    e-mail fails to render); ``--rounds`` times, alternately, compared by
    the median of the rounds."""
    print()
    args = bench.args
    templates = []  # the template, made after the first orders (below)
    pairs = [
        tuple(
            _fault_run(bench, templates, partner, product, user, case, missing)
            for case, missing in (("clean", None), ("faulty", args.email_orders // 2))
        )
        for _round in range(args.rounds)
    ]
    # Ratios of faulty to clean (the inverse of a speed-up).
    faulty_to_clean = [(faulty, clean) for clean, faulty in pairs]
    label = f"one render error among {args.email_orders}: time (goal: within 1.2x)"
    median_ratio(faulty_to_clean, label, key="seconds")
    median_ratio(faulty_to_clean, "queries (same goal)", key="queries")


def _fault_run(bench, templates, partner, product, user, case, missing):
    env, count = bench.env, bench.args.email_orders
    Followup = env["service.followup"]
    orders = bench.create_orders(count, partner, product, user, client_order_ref="ref")
    if not templates:  # checked on save against the latest order: one with a reference
        templates.append(
            env.ref("sale_after_sales.mail_template_followup_thank_you").copy(
                {
                    "name": "Bench: thank-you with reference",
                    "body_html": (
                        '<p>Your reference: <t t-out="object.client_order_ref.upper()"/></p>'
                    ),
                }
            )
        )
    template = templates[0]
    if missing is not None:
        orders[missing].client_order_ref = False
    # The step's plan comes after the orders (its template is checked against
    # the latest order), applied to them as by "Apply Follow-up Plan".
    plan = _email_plan(bench, template, f"Bench: reference ({case})")
    orders._plan_followups("order_confirmed", plans=plan)
    plan.active = False
    bench.cr.commit()
    figures = _run_step(bench, orders, f"e-mail step, {case}")
    domain = [("order_id", "in", orders.ids), ("plan_id", "=", plan.id)]
    done = Followup.search_count([*domain, ("state", "=", "done")])
    failed = Followup.search_count([*domain, ("state", "=", "failed")])
    print(f"  {done} sent, {failed} failed")
    assert (done, failed) == ((count, 0) if missing is None else (count - 1, 1)), (done, failed)
    return figures

"""Hold-back (``make bench --holdback-orders N``, alone: ``bench/run --holdback``):
N orders of N new customers confirmed with a plan at 0 % and at 10 % held
back (each customer drawn and assigned to a group as his follow-up is
planned), then the scheduled action's activity step on their follow-ups, where
the held-back ones are simply not run. Three rounds, the shares in turn
first (the machine's load moves during a run); the figures are the medians."""

import statistics
import time

from bench_common import WARM_UP_ORDERS

SHARES = (0, 10)
ROUNDS = 3


def holdback(bench, product, user):
    print()
    env, cr, args = bench.env, bench.cr, bench.args
    Followup = env["service.followup"]
    call = env.ref("mail.mail_activity_data_call")
    plan = bench.only_plan(
        "Bench: hold-back",
        {"name": "Welcome call", "activity_type_id": call.id, "delay_count": 0},
    )
    with bench.warm_up():
        for share in SHARES:
            plan.holdback_percent = share
            _confirm(bench, _orders(bench, WARM_UP_ORDERS, product, user))
            Followup._cron_process_due(batch_size=args.batch_size)
    print(f"the confirmation and the step first ran on {WARM_UP_ORDERS} other orders, not measured")
    figures = {share: [] for share in SHARES}
    for number in range(ROUNDS):
        for share in SHARES[number % 2 :] + SHARES[: number % 2]:
            plan.holdback_percent = share
            cr.commit()
            orders = _orders(bench, args.holdback_orders, product, user)
            confirm = _confirm(bench, orders, f"confirm {len(orders)} orders, {share} % held back")
            held = Followup.search_count(
                [("order_id", "in", orders.ids), ("state", "=", "held_back")]
            )
            cpu = time.process_time()
            with bench.measure(
                f"activity step, {share} % held back ({held} not run)", len(orders) - held
            ) as step:
                Followup._cron_process_due(batch_size=args.batch_size)
            # This process's CPU time: what the load of the shared machine moves least.
            step["cpu_ms_per_followup"] = (time.process_time() - cpu) * 1000 / (len(orders) - held)
            print(f"  {step['cpu_ms_per_followup']:.3f} ms of CPU a follow-up carried out")
            due = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "due")])
            assert due == len(orders) - held, f"{due} carried out, {held} held back"
            figures[share].append((confirm, step, held))
    plan.active = False
    cr.commit()
    _print_table(figures)


def _orders(bench, count, product, user):
    """``count`` draft orders, each of a new customer (setup, not measured)."""
    env, cr = bench.env, bench.cr
    customers = env["res.partner"].create(
        [
            {"name": f"Bench Hold-back {n}", "email": f"holdback{n}@example.com"}
            for n in range(count)
        ]
    )
    orders = bench.new_orders(customers, product, user)
    env.flush_all()
    cr.commit()
    return orders


def _confirm(bench, orders, label=None):
    """Confirm ``orders`` in batches of 500, as bench.create_orders does
    (measured when ``label`` is given)."""
    if label is None:
        for start in range(0, len(orders), 500):
            orders[start : start + 500].action_confirm()
        return None
    with bench.measure(label, len(orders)) as figures:
        for start in range(0, len(orders), 500):
            orders[start : start + 500].action_confirm()
            bench.env.flush_all()
    return figures


def _print_table(figures):
    def median(share, index, key):
        return statistics.median(round_[index][key] for round_ in figures[share])

    print()
    print(f"hold-back, median of {ROUNDS} rounds: 0 % against 10 % held back")
    print(f"{'':<34}{'0 %':>12}{'10 %':>12}{'ratio':>9}")
    rows = [
        ("confirming the orders (s)", 0, "seconds"),
        ("  queries", 0, "queries"),
        ("activity step (s)", 1, "seconds"),
        ("  follow-ups carried out per s", 1, "per_second"),
        ("  CPU ms a follow-up carried out", 1, "cpu_ms_per_followup"),
        ("  queries", 1, "queries"),
    ]
    for label, index, key in rows:
        zero, ten = median(0, index, key), median(10, index, key)
        print(f"{label:<34}{zero:>12.2f}{ten:>12.2f}{ten / zero if zero else 0:>8.2f}x")
    held = statistics.median(held for _c, _s, held in figures[10])
    print(f"{'  held back (not run)':<34}{0:>12}{held:>12.0f}")

"""Several Odoo processes on one database share the due follow-ups
(``make bench --concurrency-check P``): 1, 2, ... P processes (not threads: each
its own Python interpreter, registry and connection, as several servers or
cron workers) run the scheduled action at once on the same number of due
follow-ups; each follow-up must be carried out exactly once. Then a process
is killed midway (``SIGKILL``, as a crashed server or a worker killed for its
memory): what it committed stays done, what it held is done by the others,
and no customer gets an e-mail twice."""

import json
import os
import signal
import subprocess
import time

import odoo.sql_db

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "concurrency_worker.py")


def _start_processes(bench, count):
    """Start ``count`` worker processes; they begin together, at the time returned."""
    click_odoo = os.environ["SAA_BENCH_CLICK_ODOO"]
    config, database = os.environ["SAA_BENCH_CONFIG"], os.environ["SAA_BENCH_DB"]
    start_at = time.time() + 15  # time to load the registry in each process
    workers = [
        subprocess.Popen(
            [
                click_odoo,
                "-c",
                config,
                "-d",
                database,
                "--log-level",
                "warn",
                "--",
                WORKER,
                str(start_at),
                str(bench.args.batch_size),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _index in range(count)
    ]
    return workers, start_at


def _run_processes(bench, count):
    workers, start_at = _start_processes(bench, count)
    results = []
    for worker in workers:
        output, _errors = worker.communicate()
        lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
        if worker.returncode or not lines:
            raise SystemExit(f"concurrency worker failed (exit {worker.returncode})")
        results.append(json.loads(lines[-1].removeprefix("RESULT ")))
    if min(result["start"] for result in results) < start_at - 1:
        raise SystemExit("a worker started before the others")
    return results


def concurrency_check(bench, partner, product, user):
    env, cr, args = bench.env, bench.cr, bench.args
    count = args.concurrency_orders
    call = env.ref("mail.mail_activity_data_call")
    plan = bench.only_plan(
        "Bench: concurrency call",
        {"name": "Call", "activity_type_id": call.id, "delay_count": 0},
    )
    print(f"\nconcurrency: {count} due follow-ups, scheduled actions in separate processes")
    rates = {}
    failed = False
    for processes in sorted({1, 2, args.concurrency_check}):
        orders = bench.create_orders(count, partner, product, user)
        results = _run_processes(bench, processes)
        env.invalidate_all()
        elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
        cr.execute(
            """SELECT count(*) FROM (SELECT res_id FROM mail_activity
                WHERE res_model = 'sale.order' AND res_id = ANY(%s)
             GROUP BY res_id HAVING count(*) > 1) AS doubles""",
            [orders.ids],
        )
        doubles = cr.fetchone()[0]
        done = env["service.followup"].search_count(
            [("order_id", "in", orders.ids), ("plan_id", "=", plan.id), ("state", "=", "due")]
        )
        shares = ", ".join(f"{r['processed'] * 100 / count:.0f}%" for r in results)
        rates[processes] = count / elapsed
        print(
            f"  {processes} process(es): {elapsed:6.2f} s, {rates[processes]:7.1f} follow-ups/s "
            f"({rates[processes] / rates[1]:.2f}x one process); shares {shares}; "
            f"carried out {done}/{count}, processed twice {doubles}",
            flush=True,
        )
        if doubles or done != count or sum(r["processed"] for r in results) != count:
            failed = True
    plan.active = False
    cr.commit()
    if failed:
        raise SystemExit("concurrency check FAILED")
    print("  concurrency check OK: every follow-up carried out once")
    kill_check(bench, partner, product, user)


def _count_done(database, order_ids):
    """The follow-ups of these orders carried out, as committed (its own connection)."""
    with odoo.sql_db.db_connect(database).cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM service_followup WHERE order_id = ANY(%s) AND state = 'due'",
            [order_ids],
        )
        return cursor.fetchone()[0]


def kill_check(bench, partner, product, user):
    """Two processes carry out follow-ups that e-mail the customer and plan
    an activity; one is killed (``SIGKILL``) once a quarter is committed,
    then another process is started for what is left. Each order must have
    one e-mail and one activity, every follow-up carried out."""
    env, cr, args = bench.env, bench.cr, bench.args
    count = args.concurrency_orders
    call = env.ref("mail.mail_activity_data_call")
    template = env.ref("sale_after_sales.mail_template_followup_thank_you")
    plan = bench.only_plan(
        "Bench: kill check",
        {
            "name": "Thank you and call",
            "send_mail": True,
            "mail_template_id": template.id,
            "activity_type_id": call.id,
            "delay_count": 0,
        },
    )
    print(f"\nkilled midway: {count} due follow-ups (an e-mail and an activity each)")
    orders = bench.create_orders(count, partner, product, user)
    plan.active = False
    cr.commit()
    database = os.environ["SAA_BENCH_DB"]
    workers, start_at = _start_processes(bench, 2)
    time.sleep(max(0.0, start_at - time.time()))
    while (done_at_kill := _count_done(database, orders.ids)) < count // 4:
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit("kill check: a worker ended before it could be killed")
        time.sleep(0.05)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    workers[1].communicate()
    done_by_survivor = _count_done(database, orders.ids)
    _run_processes(bench, 1)  # the next run of the scheduled action
    done = _count_done(database, orders.ids)
    # (orders with one, how many) of the activities and of the e-mails.
    cr.execute(
        """SELECT count(DISTINCT res_id), count(*) FROM mail_activity
            WHERE res_model = 'sale.order' AND res_id = ANY(%s)""",
        [orders.ids],
    )
    activities = cr.fetchone()
    cr.execute(
        """SELECT count(DISTINCT res_id), count(*) FROM mail_message
            WHERE model = 'sale.order' AND res_id = ANY(%s) AND message_type = 'email_outgoing'""",
        [orders.ids],
    )
    emails = cr.fetchone()
    print(
        f"  killed one of 2 processes at {done_at_kill} carried out; the other left "
        f"{count - done_by_survivor}; the next run finished them: carried out {done}/{count}; "
        f"activities {activities[1]} on {activities[0]} orders, "
        f"e-mails {emails[1]} on {emails[0]} orders",
        flush=True,
    )
    if done != count or activities != (count, count) or emails != (count, count):
        raise SystemExit("kill check FAILED")
    print("  kill check OK: nothing lost, nothing done twice")

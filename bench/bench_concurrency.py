"""Several Odoo processes on one database share the due follow-ups
(``make bench --concurrency-check P``): 1, 2, ... P processes (not threads: each
its own Python interpreter, registry and connection, as several servers or
cron workers) run the scheduled action at once on the same number of due
follow-ups; each follow-up must be carried out exactly once."""

import json
import os
import subprocess
import time

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "concurrency_worker.py")


def _run_processes(bench, count):
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

"""19.0.2.0.0: the shipped yearly maintenance reminder recurs per piece of equipment
(its record is never updated by the module's data, as the administrator may have
edited it: only this new setting is set)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE service_followup_plan_step SET equipment_recurring = TRUE
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sale_after_sales'
                           AND name = 'followup_step_maintenance')"""
    )
    # Which shipped contact types are cases, and which the customer sees.
    for name, is_case, portal_visible in (
        ("history_type_complaint", True, True),
        ("history_type_repair", True, True),
        ("history_type_installation", False, True),
        ("history_type_maintenance", False, True),
    ):
        cr.execute(
            """UPDATE service_history_type SET is_case = %s, portal_visible = %s
                WHERE id = (SELECT res_id FROM ir_model_data
                             WHERE module = 'sale_after_sales' AND name = %s)""",
            [is_case, portal_visible, name],
        )
    # The shipped plan: the day-7 step asks for a rating (a call for customers
    # without e-mail); the thank-you and the rating wait while a complaint is open
    # (a boolean in 19.0.2, open_complaint_policy since 19.0.3: the migrations
    # run on the current code's tables).
    cr.execute(
        """UPDATE service_followup_plan_step
              SET ask_rating = TRUE, open_complaint_policy = 'wait', rating_template_id = (
                  SELECT res_id FROM ir_model_data
                   WHERE module = 'sale_after_sales' AND name = 'mail_template_followup_rating')
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sale_after_sales'
                           AND name = 'followup_step_satisfaction_call')"""
    )
    cr.execute(
        """UPDATE service_followup_plan_step SET open_complaint_policy = 'wait'
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sale_after_sales' AND name = 'followup_step_thank_you')"""
    )

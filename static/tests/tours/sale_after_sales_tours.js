import { registry } from "@web/core/registry";

/**
 * A step that asks the test (tests/test_tours.py) for a screenshot of the
 * page as it is, named ``name``, then leaves the browser time to take it.
 */
function screenshot(name, trigger) {
    return {
        content: `screenshot ${name}`,
        trigger,
        async run() {
            console.log(`sale_after_sales:screenshot:${name}`);
            await new Promise((resolve) => setTimeout(resolve, 1500));
        },
    };
}

registry.category("web_tour.tours").add("sale_after_sales_handover_tour", {
    steps: () => [
        {
            content: "The salesperson confirms the quotation",
            trigger: ".o_form_view button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed: hand it over to the service department",
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The handover is refused: the customer has no phone number",
            trigger: ".modal .modal-body:contains(no phone number)",
        },
        screenshot("handover_blocked", ".modal .modal-body:contains(Not ticked yet)"),
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Open the Handover tab",
            trigger: ".o_notebook a.nav-link:contains(Handover)",
            run: "click",
        },
        {
            content: "The refused hand over kept what the checks found",
            trigger: ".o_field_widget[name=handover_result_ids] .o_data_row:contains(no phone number)",
        },
        {
            content: "Tell the customer who the service contact is, and tick it",
            trigger: ".o_field_widget[name=handover_result_ids] button[name=action_tick]",
            run: "click",
        },
        screenshot(
            "handover_checks",
            ".o_field_widget[name=handover_result_ids] .o_data_row:contains(no phone number)"
        ),
        {
            content: "Complete the customer's details from the handover",
            trigger: ".o_form_view button[name=action_complete_handover_customer]",
            run: "click",
        },
        {
            content: "Add the phone number the check asks for",
            trigger: ".modal .o_field_widget[name=phone] input",
            run: "edit +32 2 555 77 88",
        },
        {
            content: "Save the customer's details",
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            content: "The phone check passes now",
            trigger: ".o_field_widget[name=handover_result_ids]:not(:contains(no phone number))",
        },
        {
            content: "Hand the order over again",
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The order waits for the service department",
            trigger: ".o_form_view:not(:has(button[name=action_hand_over])) .o_field_widget[name=handover_state]:contains(Waiting for Service)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_accept_tour", {
    steps: () => [
        screenshot("my_activities", ".o_list_view .o_data_row:contains(Accept or send back)"),
        {
            content: "The service user opens the handover activity from his activities",
            trigger: ".o_list_view .o_data_row:contains(Accept or send back) .o_data_cell:first",
            run: "click",
        },
        {
            content: "The order opens on the handover form he can read",
            trigger: ".o_form_view .o_field_widget[name=handover_state] .o_arrow_button_current:contains(Waiting for Service)",
        },
        screenshot("handovers_waiting", ".o_form_view button[name=action_accept_handover]"),
        {
            content: "He leaves a note for the salesperson",
            trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Visit planned for Monday morning.",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The note is in the chatter",
            trigger: ".o-mail-Message-body:contains(Visit planned for Monday morning.)",
        },
        {
            content: "Accept the handover",
            trigger: ".o_form_view button[name=action_accept_handover]",
            run: "click",
        },
        {
            content: "The handover is accepted",
            trigger: ".o_form_view:not(:has(button[name=action_accept_handover])) .o_statusbar_status .o_arrow_button_current:contains(Accepted)",
        },
        {
            content: "The checks as the salesperson left them",
            trigger: ".o_notebook a.nav-link:contains(Checks)",
            run: "click",
        },
        screenshot("handover_accepted", ".o_field_widget[name=handover_result_ids] .o_data_row"),
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_sent_back_tour", {
    steps: () => [
        screenshot("orders_to_hand_over", ".o_list_view .o_data_row:contains(Sent Back)"),
        {
            content: "The salesperson opens his order sent back by the service department",
            trigger: ".o_list_view .o_data_row:contains(Sent Back) .o_data_cell:first",
            run: "click",
        },
        {
            content: "It opens on the Handover tab, with the reason",
            trigger: ".o_notebook .nav-link.active:contains(Handover)",
        },
        {
            trigger: ".alert:contains(Which counter?)",
        },
        {
            content: "He answers in the notes for the technician",
            trigger: ".o_field_widget[name=handover_note] .odoo-editor-editable",
            run: "editor The machine goes on the left counter, next to the window.",
        },
        {
            content: "Save the order",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(.o_form_dirty)",
        },
        {
            content: "Hand it over again",
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The order waits for the service department again",
            trigger: ".o_form_view:not(:has(button[name=action_hand_over])) .o_field_widget[name=handover_state]:contains(Waiting for Service)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_followup_tour", {
    steps: () => [
        screenshot("my_followups", ".o_list_view .o_data_row:contains(Satisfaction call)"),
        {
            content: "Open the satisfaction call due today",
            trigger: ".o_list_view .o_data_row:contains(Satisfaction call) .o_data_cell",
            run: "click",
        },
        {
            content: "The customer was called: mark it as done",
            trigger: ".o_form_view button[name=action_open_done_wizard]",
            run: "click",
        },
        {
            content: "Four stars out of five",
            trigger: ".modal .o_field_widget[name=satisfaction] .o_priority_star:eq(3)",
            run: "click",
        },
        {
            // Typed before the editor has started, the words were lost now and then.
            content: "The editor has started: it shows its placeholder",
            trigger: ".modal .o_field_widget[name=feedback] .odoo-editor-editable .o-we-hint",
        },
        {
            trigger: ".modal .o_field_widget[name=feedback] .odoo-editor-editable",
            run: "editor Happy with the machine, asked about descaling.",
        },
        {
            content: "The words are in the editor",
            trigger: ".modal .o_field_widget[name=feedback] .odoo-editor-editable:contains(descaling)",
        },
        screenshot("followup_done_wizard", ".modal .o_field_widget[name=satisfaction] .fa-star:eq(3)"),
        {
            content: "Close the follow-up",
            trigger: ".modal button[name=action_done]",
            run: "click",
        },
        {
            content: "The follow-up is done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_equipment_maintenance_tour", {
    steps: () => [
        screenshot("equipment", ".o_list_view .o_data_row:contains(EQ-TOUR-1)"),
        {
            content: "The service user opens the customer's machine",
            trigger: ".o_list_view .o_data_row:contains(EQ-TOUR-1) .o_data_cell:first",
            run: "click",
        },
        {
            content: "He logs the maintenance he just did",
            trigger: ".o_form_view button[name=action_log_service_contact]",
            run: "click",
        },
        {
            content: "Customer, order and product are filled in",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Brightwater Bakery)",
        },
        {
            content: "What was done",
            trigger: ".modal .o_notebook a.nav-link:contains(Outcome)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=outcome] textarea",
            run: "edit Descaled, replaced the group head gasket.",
        },
        {
            content: "Save the maintenance",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "It is in the machine's service history",
            trigger: ".o_field_widget[name=history_ids] .o_data_row:contains(Maintenance of)",
        },
        screenshot("equipment_maintained", ".o_field_widget[name=history_ids] .o_data_row"),
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_portal_request_tour", {
    steps: () => [
        {
            content: "The customer opens his machine",
            trigger: "a:contains(Espresso Machine)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "He reads its care advice",
            trigger: "#care_advice:contains(Backflush the group head)",
        },
        screenshot("portal_equipment", "#care_advice"),
        {
            content: "He asks for a repair",
            trigger: "a:contains(Request Service)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "select[name=kind]",
            run: "select repair",
        },
        {
            trigger: "textarea[name=description]",
            run: "edit Water under the machine since Monday.",
        },
        {
            content: "Send the request, clicking twice as an impatient customer does: sent once",
            trigger: "button[type=submit]:contains(Send the Request)",
            async run({ anchor }) {
                anchor.click();
                await new Promise((resolve) => setTimeout(resolve, 30));
                anchor.click();
            },
            expectUnloadPage: true,
        },
        {
            content: "The request is recorded",
            trigger: ".alert-success:contains(Your request is recorded)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_resolve_case_tour", {
    steps: () => [
        {
            content: "The service user opens the customer's request from his cases",
            trigger: ".o_list_view .o_data_row:contains(Repair) .o_data_cell:first",
            run: "click",
        },
        {
            content: "He takes it",
            trigger: ".o_form_view button[name=action_case_start]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(In Progress)",
        },
        {
            content: "He writes what was done",
            trigger: ".o_notebook a.nav-link:contains(Resolution)",
            run: "click",
        },
        {
            content: "The editor has started: it shows its placeholder",
            trigger: ".o_field_widget[name=resolution] .odoo-editor-editable .o-we-hint",
        },
        {
            trigger: ".o_field_widget[name=resolution] .odoo-editor-editable",
            run: "editor Replaced the leaking drain hose.",
        },
        {
            trigger: ".o_field_widget[name=resolution] .odoo-editor-editable:contains(drain hose)",
        },
        {
            content: "Resolved",
            trigger: ".o_form_view button[name=action_case_resolve]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Resolved)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_customers_tour", {
    steps: () => [
        {
            content: "The customer who bought is in After-Sales > Customers",
            trigger: ".o_kanban_view .o_kanban_record:contains(Tour Buyer Ltd)",
        },
        {
            content: "The customer who bought nothing is not",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains(Tour Window Shopper)))",
        },
        {
            content: "The list shows the same customers",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Ltd)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Window Shopper)))",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_rating_answer_tour", {
    steps: () => [
        {
            content: "The customer followed 'Unhappy' in his e-mail: he says why",
            trigger: "form textarea[name=feedback]",
            run: "edit The machine leaks.",
        },
        {
            trigger: "form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "His answer is recorded: he is told who calls him back, by when, and the phone",
            trigger: ".o_saa_rating_answer[data-mood=case] #saa_case_next_steps:contains(will contact you):contains(+32 2 555 01 01)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_apply_plan_tour", {
    steps: () => [
        {
            content: "The salesperson selects his order in the orders list",
            trigger: ".o_list_view .o_data_row:contains(Brightwater Bakery) .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "He applies a plan to it",
            trigger: ".o-dropdown--menu span:contains(Apply a Follow-up Plan)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=plan_id] input",
            run: "edit Winter",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Winter check)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=plan_id] input:value(Winter check)",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_request_conversation_tour", {
    steps: () => [
        {
            content: "His request opens the conversation of its page",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(Water under the machine since Monday)",
            // The chatter's bundle is built on its first use: slow on a loaded machine.
            timeout: 60000,
        },
        {
            content: "He adds a detail at once",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit It got worse this morning.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "His message is in the thread",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(It got worse this morning)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_blocked_fix_tour", {
    steps: () => [
        {
            content: "The salesperson hands his order over",
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The missing phone number: its button opens the customer's details",
            trigger: ".modal .o_data_row:contains(no phone number) button[name=action_fix]",
            run: "click",
        },
        {
            content: "He lands on the phone number to type",
            trigger: ".modal .o_field_widget[name=phone] input",
        },
        {
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The missing notes: their button opens the notes for the technician",
            trigger: ".modal .o_data_row:contains(Write the notes) button[name=action_fix]",
            run: "click",
        },
        {
            content: "He lands on the Handover tab, on the notes for the technician",
            trigger: ".o_notebook .nav-link.active:contains(Handover)",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=handover_note] .odoo-editor-editable",
        },
        {
            trigger: ".o_form_view button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The item not ticked: its button opens the checklist",
            trigger: ".modal .o_data_row:contains(Not ticked yet) button[name=action_fix]",
            run: "click",
        },
        {
            content: "He lands on the item to tick",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=handover_result_ids] .o_data_row:contains(service contact) button[name=action_tick]",
        },
    ],
});

registry.category("web_tour.tours").add("sale_after_sales_offer_accept_tour", {
    steps: () => [
        {
            content: "His equipment page shows our offer for it",
            trigger: "#equipment_offers a.o_saa_offer_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The quotation names his piece",
            trigger: "#quote_content:contains(For:)",
        },
        {
            content: "He accepts and signs it, in Odoo's own portal",
            trigger: ".o_portal_sale_sidebar a:contains(Sign)",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Anna Offer",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order is confirmed",
            trigger: "#quote_content:contains(Thank You)",
        },
    ],
});

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sale_after_sales_customer_offers_tour", {
    steps: () => [
        {
            content: "The salesperson opens the customer",
            trigger: ".o_kanban_view .o_kanban_record:contains(Brightwater Bakery)",
            run: "click",
        },
        {
            content: "His Service tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=after_sales_service]",
            run: "click",
        },
        {
            content: "The offer the follow-up made him, for his machine",
            trigger:
                ".o_field_widget[name=service_offer_order_ids] .o_data_row:contains(Espresso Machine)",
        },
        {
            content: "Open the quotation",
            trigger:
                ".o_field_widget[name=service_offer_order_ids] .o_data_row button[name=get_formview_action]",
            run: "click",
        },
        {
            content: "The quotation: its lines name the piece",
            trigger:
                ".o_form_view .o_field_widget[name=order_line] .o_data_row:contains(Warranty +12 months):contains(Espresso Machine)",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Brightwater Bakery)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=service_offer_order_ids] .o_data_row",
        },
    ],
});

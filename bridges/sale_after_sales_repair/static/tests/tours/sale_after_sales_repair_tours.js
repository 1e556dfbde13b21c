import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sale_after_sales_repair_tour", {
    steps: () => [
        {
            content: "The service user opens the customer's piece and creates its repair",
            trigger: ".o_form_view button[name=action_create_repair]",
            run: "click",
        },
        {
            content: "The repair order comes with the customer's piece",
            trigger: ".o_form_view .o_field_widget[name=service_equipment_id] input",
        },
        {
            content: "and its warranty: under warranty",
            trigger: ".o_form_view .o_field_widget[name=under_warranty] input:checked",
        },
        {
            content: "Save the repair order",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The repair order is saved with its reference",
            trigger: ".o_breadcrumb .active:contains(/RO/)",
        },
    ],
});

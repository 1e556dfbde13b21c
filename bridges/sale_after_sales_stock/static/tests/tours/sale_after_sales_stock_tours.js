import { registry } from "@web/core/registry";

// A service user (no Inventory rights) opens the customer's piece of a serial
// number delivered: its serial, its delivery and the date it was delivered,
// and logs a note on it.
registry.category("web_tour.tours").add("sale_after_sales_stock_delivered_piece", {
    steps: () => [
        {
            content: "The delivered serial is in the customers' equipment",
            trigger: ".o_list_view .o_data_row:contains(EM-TOUR-01) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Its serial comes from the delivery, not typed",
            trigger: ".o_form_view .o_field_widget[name=serial_number]:contains(EM-TOUR-01)",
        },
        {
            content: "The piece shows its delivery",
            trigger: ".o_form_view .o_field_widget[name=delivery_reference]:contains(/OUT/)",
        },
        {
            content: "and the date it was delivered",
            trigger: ".o_form_view .o_field_widget[name=date_delivered]:not(:empty)",
        },
        {
            content: "A note for the colleagues on the piece",
            trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            content: "What was checked",
            trigger: ".o-mail-Composer-input",
            run: "edit Serial checked against the delivery.",
        },
        {
            content: "Log it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The note is on the piece",
            trigger: ".o-mail-Message-body:contains(Serial checked against the delivery.)",
        },
    ],
});

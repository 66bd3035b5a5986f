/** @odoo-module **/
/* Collaborators > Dashboard > Overview: a few figures of the user's offices and areas, each
 * opening the records behind it. The figures and their domains come from the server
 * (sp.collaborator.sp_dashboard_data), under the user's record rules. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

export class CollaboratorDashboard extends Component {
    static template = "sp_collaborator.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(async () => {
            this.state.data = await this.orm.call("sp.collaborator", "sp_dashboard_data", []);
        });
    }

    open(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: card.label,
            res_model: card.model,
            domain: card.domain,
            views: [[false, "list"], [false, "form"]],
            target: "current",
        });
    }

    openCollaborator(row) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sp.collaborator",
            res_id: row.id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("sp_collaborator.dashboard", CollaboratorDashboard);

"""What views, the API and other apps may do with persons, interventions, decisions,
egenvård assessments and tasks. Every function checks access through
`samverkan.people.access` and writes the audit log; every change is atomic.

Errors are `PeopleError(field, code, message)`: a stable code for the API and a Swedish
message for people that never contains an identifier or a name.

One module per job: `persons` (registration, identities, care relations, search), `merge`,
`facts` (person facts over time), `assessments` (egenvård), `interventions` (decisions,
their diff and the tasks they call for), `tasks` (the work queue), `fhir_import`,
`protection` (protected identities and spärr). Reads
other rooms use are in `samverkan.people.selectors`; `from samverkan.people.services
import X` keeps working for every name below.
"""

from samverkan.people.selectors import current_facts, facts_for_decision, find_by_identifier
from samverkan.people.services._common import (
    DERIVED_FACTS,
    INTERVENTION_FACTS,
    PERSON_FACTS,
    PeopleError,
    _age_on,
)
from samverkan.people.services.assessments import (
    GAVLEBORG_HANDOVER_REASON,
    REVIEW_DUE_DAYS,
    create_assessment,
    flag_assessment_for_review,
    report_performer_change,
)
from samverkan.people.services.facts import fact_history, set_fact
from samverkan.people.services.fhir_import import import_patient, record_refusals
from samverkan.people.services.interventions import (
    ACTION_TASKS,
    TASK_DUE_DAYS,
    DecisionDiff,
    create_intervention,
    decide_intervention,
    diff_decisions,
    redecide_intervention,
    update_intervention,
)
from samverkan.people.services.merge import MERGE_HOOKS, merge_persons
from samverkan.people.services.persons import (
    AMBIGUOUS_CENTURY,
    add_care_relation,
    add_identity,
    century_warning,
    create_person,
    other_holders,
    record_for_owners,
    refuse_ambiguous_century,
    registered_view,
    search_persons,
)
from samverkan.people.services.protection import (
    blocks_for,
    end_protection,
    lift_block,
    mark_protected,
    protections_for,
    record_block,
)
from samverkan.people.services.tasks import (
    complete_task,
    record_task_list,
    task_for_user,
    tasks_for_user,
)

__all__ = [
    "AMBIGUOUS_CENTURY",
    "century_warning",
    "refuse_ambiguous_century",
    "ACTION_TASKS",
    "DERIVED_FACTS",
    "GAVLEBORG_HANDOVER_REASON",
    "INTERVENTION_FACTS",
    "MERGE_HOOKS",
    "PERSON_FACTS",
    "REVIEW_DUE_DAYS",
    "TASK_DUE_DAYS",
    "DecisionDiff",
    "PeopleError",
    "_age_on",
    "add_care_relation",
    "add_identity",
    "blocks_for",
    "complete_task",
    "create_assessment",
    "create_intervention",
    "create_person",
    "current_facts",
    "decide_intervention",
    "diff_decisions",
    "end_protection",
    "fact_history",
    "facts_for_decision",
    "find_by_identifier",
    "flag_assessment_for_review",
    "import_patient",
    "lift_block",
    "mark_protected",
    "merge_persons",
    "other_holders",
    "record_for_owners",
    "record_refusals",
    "protections_for",
    "record_block",
    "redecide_intervention",
    "record_task_list",
    "registered_view",
    "report_performer_change",
    "search_persons",
    "set_fact",
    "task_for_user",
    "tasks_for_user",
    "update_intervention",
]

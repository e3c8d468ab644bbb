"""The agreements as code, and THE DOOR to them: everything outside ``samverkan.rules``
imports from this package only, never from its submodules (import-linter checks it).

Importing the door is cheap: each name is loaded from its submodule on first use (PEP 562),
so ``from samverkan.rules import REGIONS`` in a model does not load the engine, Polars or
the clause library.

What the door offers (see docs/notes-h1.md for the whole list):

- decide one: ``decide(raw_facts)``, ``decide_facts(facts)``, ``Decision``, ``render_decision``
- decide a frame: ``decide_frame(frame)`` (the batch engine), ``normalise_frame``
- simulate a variant: ``simulate(...)``, ``Variant``, ``VariantError``, ``apply_variant``
- read a facts file: ``read_facts(path_or_bytes, format)``, ``InvalidFactsFile``, ``FileError``
- status of agreements on a date: ``status_on(date)``, ``status``, ``version_end``, ``ALL_VERSIONS``
- the clause library and search: ``clause(id)``, ``clauses()``, ``passage``, ``search``
- the vocabulary: ``FACTS``, ``FACT_ORDER``, ``Kind``, ``DIMENSIONS``, ``DIMENSION_VALUES``,
  ``ACTIONS``, ``REGIONS``, ``municipality_name``, ``value_label`` …
- what rules read and decide: ``reads(cond)``, ``decides(cond)``, ``children(cond)``
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# door name -> (submodule, attribute); the attribute is the door name unless given.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    # decide one
    "decide": ("engine", None),
    "decide_facts": ("engine", None),
    "Decision": ("engine", None),
    "DECIDED": ("engine", None),
    "INCOMPLETE": ("engine", None),
    "NOT_COVERED": ("engine", None),
    "NOT_IN_FORCE": ("engine", None),
    "render_decision": ("explain", "render"),
    "STATUS_TEXT": ("explain", None),
    "decision_summary": ("explain", "summary"),
    # decide a frame
    "decide_frame": ("batch", "decide"),
    "normalise_frame": ("batch", "normalise"),
    "DECISION_COLUMNS": ("batch", None),
    "DecisionTypes": ("batch", None),
    "region_plan": ("batch", None),
    "fact_dtype": ("batch", None),
    "decision_key": ("features", "key"),
    "feature_columns": ("features", None),
    # facts files
    "read_facts": ("io", None),
    "FACTS_FILE_LIMITS": ("io", "LIMITS"),
    "FactsFile": ("io", None),
    "FileError": ("io", None),
    "InvalidFactsFile": ("io", None),
    "check_facts": ("io", None),
    "strict_json": ("io", "loads"),
    # simulate a variant
    "simulate": ("simulation", None),
    "CASES": ("simulation", None),
    "COST": ("simulation", None),
    "EXAMPLES": ("simulation", None),
    "HCR": ("simulation", None),
    "HOURS": ("simulation", None),
    "KEYS": ("simulation", None),
    "PERSONS": ("simulation", None),
    "SEK": ("simulation", None),
    "SIMULATED": ("simulation", None),
    "Example": ("simulation", None),
    "SimulationParameter": ("simulation", "Parameter"),  # was exported as Parameter
    # the agreements' numbers: named parameters with a value per date (params.py)
    "Parameter": ("params", None),
    "parameters": ("params", None),
    "parameter": ("params", None),
    "RuleInfo": ("simulation", None),
    "base_col": ("simulation", None),
    "baseline_rulesets": ("simulation", None),
    "decide_both": ("simulation", None),
    "diff_plan": ("simulation", None),
    "evaluated_plan": ("simulation", None),
    "example": ("simulation", None),
    "parse_variant": ("simulation", None),
    "pruned": ("simulation", None),
    "rule_catalogue": ("simulation", None),
    "rule_info": ("simulation", None),
    "NamedParameter": ("simulation", None),
    "named_parameters": ("simulation", None),
    "named_parameter": ("simulation", None),
    "sum_or_null": ("simulation", None),
    "group_sums": ("simulation", None),
    "var_col": ("simulation", None),
    "variant_dict": ("simulation", None),
    "variant_rulesets": ("simulation", None),
    "simulation_rulesets": ("simulation", "rulesets"),
    "prepare_cases": ("simulation", None),
    "case_profiles": ("simulation", None),
    "evaluate_both": ("simulation", None),
    "Variant": ("variants", None),
    "VariantError": ("variants", None),
    "apply_variant": ("variants", "apply"),
    "generate_population": ("population", "generate"),
    "county_population": ("population", None),
    # agreements and their status
    "ALL_VERSIONS": ("agreements", None),
    "AgreementVersion": ("declarations", None),
    "Rule": ("declarations", None),
    "Term": ("declarations", None),
    "rule": ("declarations", None),
    "status_on": ("validity", None),
    "status": ("validity", None),
    "Status": ("validity", None),
    "Notices": ("validity", None),
    "version_end": ("validity", None),
    "notice_deadline": ("validity", None),
    "final_end": ("validity", None),
    "term_ends": ("validity", None),
    "add_months": ("validity", None),
    "RuleSet": ("ruleset", None),
    "build": ("ruleset", None),
    "default_ruleset": ("ruleset", None),
    "current_notices": ("ruleset", None),
    "use_notices": ("ruleset", None),
    # adopted revisions (per party, from a date)
    "AdoptedRevision": ("revisions", None),
    "use_revisions": ("revisions", None),
    "current_revisions": ("revisions", None),
    "revised_versions": ("revisions", None),
    "revision_ruleset": ("revisions", "ruleset_for"),
    "governing_revisions": ("revisions", "governing"),
    "check_revision_scope": ("revisions", "check_scope"),
    "parse_fact_lines": ("revisions", None),
    "ScenarioTextError": ("revisions", None),
    "run_scenarios": ("revisions", None),
    "check_revision_rules": ("revisions", "check_rules"),
    "RuleCheck": ("revisions", None),
    "ScenarioResult": ("revisions", None),
    # the clause library and search
    "AGREEMENTS": ("clauses.library", None),
    "AGREEMENT_NAMES": ("clauses.library", None),
    "agreement_name": ("clauses.library", None),
    "clause_label": ("clauses.library", None),
    "Clause": ("clauses.library", None),
    "UnknownClause": ("clauses.library", None),
    "clause": ("clauses.library", "get"),
    "get": ("clauses.library", None),
    "all_clauses": ("clauses.library", "clauses"),
    "clauses_of": ("clauses.library", "for_agreement"),
    "passage": ("clauses.library", None),
    "collapse": ("clauses.parser", None),
    "search": ("clauses.search", None),
    "stems": ("clauses.search", None),
    "CoverageRow": ("clauses.classification", None),
    "coverage": ("clauses.classification", None),
    # the vocabulary: facts
    "FACTS": ("facts", None),
    "FACT_ORDER": ("facts", None),
    "FactSpec": ("facts", None),
    "FactError": ("facts", None),
    "Facts": ("facts", None),
    "InvalidFacts": ("facts", None),
    "Kind": ("facts", None),
    "INTERVENTIONS": ("facts", None),
    "MAX_AGE": ("facts", None),
    "MAX_TEXT": ("facts", None),
    "ASSUMED_WHEN_UNKNOWN": ("facts", None),
    "facts_to_json": ("facts", None),
    # the order of questions
    "next_question": ("questions", None),
    "QUESTION_ORDER": ("questions", None),
    "question_values": ("questions", None),
    "validate_facts": ("facts", None),
    "format_time": ("facts", None),
    "age_band": ("buckets", None),
    "time_band": ("buckets", None),
    "equivalent_facts": ("buckets", None),
    # the vocabulary: outcome, actions, regions
    "DIMENSIONS": ("outcome", None),
    "DIMENSION_VALUES": ("outcome", None),
    "ACTIONS": ("outcome", None),
    "UNDETERMINED": ("outcome", None),
    "value_label": ("outcome", None),
    "REGIONS": ("regions", None),
    "municipality_name": ("regions", None),
    "region_of_municipality": ("regions", None),
    # conditions: build them, and ask what they read and decide (never walk them outside)
    "Cond": ("conditions", None),
    "TRUE": ("conditions", None),
    "Is": ("conditions", None),
    "All": ("conditions", None),
    "AnyOf": ("conditions", None),
    "Not": ("conditions", None),
    "AtLeast": ("conditions", None),
    "Below": ("conditions", None),
    "CountAtLeast": ("conditions", None),
    "TimeWithin": ("conditions", None),
    "all_of": ("conditions", None),
    "any_of": ("conditions", None),
    "children": ("conditions", None),
    "reads": ("conditions", None),
    "decides": ("conditions", None),
    "walk": ("conditions", None),
    "leaves": ("conditions", None),
    "depends_on": ("conditions", None),
    # scenarios as data files (TOML in samverkan/rules/scenarios/)
    "Scenario": ("scenarios.model", None),
    "ScenarioError": ("scenarios.model", None),
    "ScenarioQuote": ("scenarios.model", "Quote"),
    "all_scenarios": ("scenarios.model", "scenarios"),
    "scenarios_by_clause": ("scenarios.model", None),
    "scenario_counts": ("scenarios.model", None),
    "scenario_baseline_labels": ("scenarios.model", "baseline_labels"),
    "check_scenario": ("scenarios.model", None),
    "load_scenario_file": ("scenarios.model", "load_file"),
    "load_scenario_dir": ("scenarios.model", "load_dir"),
    "load_scenario_baselines": ("scenarios.model", "load_baselines"),
    # betalningsansvar after utskrivningsklar (Lag 2017:612)
    "DischargeStay": ("discharge", None),
    "DischargeTerms": ("discharge", None),
    "PaymentDays": ("discharge", None),
    "InvalidStay": ("discharge", None),
    "InvalidTerms": ("discharge", None),
    "discharge_terms": ("discharge", None),
    "payment_days": ("discharge", None),
    "payment_days_batch": ("discharge", None),
    "first_payment_day": ("discharge", None),
    "average_payment": ("discharge", None),
    "AveragePayment": ("discharge", None),
    "days_cost_simulation": ("discharge", None),
    "stays_frame": ("discharge", None),
    "DischargeLine": ("discharge", "Line"),
    "stay_terms": ("discharge", None),
    "terms_day": ("discharge", None),
    "payment_days_by_notice": ("discharge", None),
    "terms_switch_days": ("discharge", None),
    "admission_notice_within": ("discharge", None),
    "admission_notice_late": ("discharge", None),
    "sip_call_within_days": ("discharge", None),
}

__all__ = [
    "parse_fact_lines",
    "ScenarioTextError",
    "run_scenarios",
    "check_revision_rules",
    "RuleCheck",
    "ScenarioResult",
    "AdoptedRevision",
    "use_revisions",
    "current_revisions",
    "revised_versions",
    "revision_ruleset",
    "governing_revisions",
    "check_revision_scope",
    "ACTIONS",
    "AGREEMENTS",
    "AGREEMENT_NAMES",
    "ALL_VERSIONS",
    "ASSUMED_WHEN_UNKNOWN",
    "AgreementVersion",
    "All",
    "AnyOf",
    "AtLeast",
    "Below",
    "CASES",
    "COST",
    "Clause",
    "Cond",
    "CountAtLeast",
    "CoverageRow",
    "DECIDED",
    "DECISION_COLUMNS",
    "DIMENSIONS",
    "DIMENSION_VALUES",
    "Decision",
    "DecisionTypes",
    "EXAMPLES",
    "Example",
    "FACTS",
    "FACT_ORDER",
    "FactError",
    "FactSpec",
    "Facts",
    "FactsFile",
    "FileError",
    "HCR",
    "HOURS",
    "INCOMPLETE",
    "INTERVENTIONS",
    "InvalidFacts",
    "InvalidFactsFile",
    "Is",
    "KEYS",
    "next_question",
    "question_values",
    "QUESTION_ORDER",
    "Kind",
    "MAX_AGE",
    "MAX_TEXT",
    "NOT_COVERED",
    "NOT_IN_FORCE",
    "Not",
    "Notices",
    "PERSONS",
    "Parameter",
    "SimulationParameter",
    "parameter",
    "parameters",
    "REGIONS",
    "Rule",
    "RuleInfo",
    "RuleSet",
    "SEK",
    "Scenario",
    "ScenarioError",
    "ScenarioQuote",
    "SIMULATED",
    "STATUS_TEXT",
    "Status",
    "TRUE",
    "Term",
    "TimeWithin",
    "UNDETERMINED",
    "UnknownClause",
    "Variant",
    "VariantError",
    "add_months",
    "agreement_name",
    "age_band",
    "all_clauses",
    "all_of",
    "all_scenarios",
    "any_of",
    "apply_variant",
    "base_col",
    "baseline_rulesets",
    "build",
    "case_profiles",
    "check_facts",
    "check_scenario",
    "children",
    "clause",
    "clause_label",
    "decision_summary",
    "clauses_of",
    "collapse",
    "coverage",
    "current_notices",
    "decide",
    "decide_both",
    "decide_facts",
    "decide_frame",
    "decides",
    "decision_key",
    "default_ruleset",
    "depends_on",
    "diff_plan",
    "equivalent_facts",
    "evaluate_both",
    "evaluated_plan",
    "example",
    "fact_dtype",
    "facts_to_json",
    "feature_columns",
    "final_end",
    "format_time",
    "generate_population",
    "county_population",
    "get",
    "group_sums",
    "leaves",
    "load_scenario_baselines",
    "load_scenario_dir",
    "load_scenario_file",
    "municipality_name",
    "normalise_frame",
    "notice_deadline",
    "parse_variant",
    "passage",
    "prepare_cases",
    "pruned",
    "read_facts",
    "FACTS_FILE_LIMITS",
    "reads",
    "region_of_municipality",
    "region_plan",
    "render_decision",
    "rule",
    "rule_catalogue",
    "rule_info",
    "NamedParameter",
    "named_parameters",
    "named_parameter",
    "scenario_baseline_labels",
    "scenario_counts",
    "scenarios_by_clause",
    "search",
    "simulate",
    "simulation_rulesets",
    "status",
    "status_on",
    "stems",
    "strict_json",
    "sum_or_null",
    "term_ends",
    "time_band",
    "use_notices",
    "validate_facts",
    "value_label",
    "var_col",
    "variant_dict",
    "variant_rulesets",
    "version_end",
    "walk",
    "DischargeStay",
    "DischargeTerms",
    "PaymentDays",
    "InvalidStay",
    "InvalidTerms",
    "discharge_terms",
    "payment_days",
    "payment_days_batch",
    "first_payment_day",
    "average_payment",
    "AveragePayment",
    "days_cost_simulation",
    "stays_frame",
    "DischargeLine",
    "stay_terms",
    "terms_day",
    "terms_switch_days",
    "payment_days_by_notice",
    "admission_notice_within",
    "admission_notice_late",
    "sip_call_within_days",
]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        # not a door name: AttributeError lets ``from samverkan.rules import <submodule>``
        # (inside rules/ and its tests) fall back to importing the submodule
        raise AttributeError(f"module 'samverkan.rules' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"samverkan.rules.{module}"), attr or name)
    globals()[name] = value  # the next lookup is an ordinary global
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # the same names, for type checkers and editors
    from samverkan.rules.agreements import ALL_VERSIONS as ALL_VERSIONS
    from samverkan.rules.batch import DECISION_COLUMNS as DECISION_COLUMNS
    from samverkan.rules.batch import DecisionTypes as DecisionTypes
    from samverkan.rules.batch import decide as decide_frame
    from samverkan.rules.batch import fact_dtype as fact_dtype
    from samverkan.rules.batch import normalise as normalise_frame
    from samverkan.rules.batch import region_plan as region_plan
    from samverkan.rules.buckets import age_band as age_band
    from samverkan.rules.buckets import equivalent_facts as equivalent_facts
    from samverkan.rules.buckets import time_band as time_band
    from samverkan.rules.clauses.classification import CoverageRow as CoverageRow
    from samverkan.rules.clauses.classification import coverage as coverage
    from samverkan.rules.clauses.library import AGREEMENT_NAMES as AGREEMENT_NAMES
    from samverkan.rules.clauses.library import AGREEMENTS as AGREEMENTS
    from samverkan.rules.clauses.library import Clause as Clause
    from samverkan.rules.clauses.library import UnknownClause as UnknownClause
    from samverkan.rules.clauses.library import agreement_name as agreement_name
    from samverkan.rules.clauses.library import clause_label as clause_label
    from samverkan.rules.clauses.library import clauses as all_clauses
    from samverkan.rules.clauses.library import for_agreement as clauses_of
    from samverkan.rules.clauses.library import get as clause
    from samverkan.rules.clauses.library import get as get
    from samverkan.rules.clauses.library import passage as passage
    from samverkan.rules.clauses.parser import collapse as collapse
    from samverkan.rules.clauses.search import search as search
    from samverkan.rules.clauses.search import stems as stems
    from samverkan.rules.conditions import TRUE as TRUE
    from samverkan.rules.conditions import All as All
    from samverkan.rules.conditions import AnyOf as AnyOf
    from samverkan.rules.conditions import AtLeast as AtLeast
    from samverkan.rules.conditions import Below as Below
    from samverkan.rules.conditions import Cond as Cond
    from samverkan.rules.conditions import CountAtLeast as CountAtLeast
    from samverkan.rules.conditions import Is as Is
    from samverkan.rules.conditions import Not as Not
    from samverkan.rules.conditions import TimeWithin as TimeWithin
    from samverkan.rules.conditions import all_of as all_of
    from samverkan.rules.conditions import any_of as any_of
    from samverkan.rules.conditions import children as children
    from samverkan.rules.conditions import decides as decides
    from samverkan.rules.conditions import depends_on as depends_on
    from samverkan.rules.conditions import leaves as leaves
    from samverkan.rules.conditions import reads as reads
    from samverkan.rules.conditions import walk as walk
    from samverkan.rules.declarations import AgreementVersion as AgreementVersion
    from samverkan.rules.declarations import Rule as Rule
    from samverkan.rules.declarations import Term as Term
    from samverkan.rules.declarations import rule as rule
    from samverkan.rules.discharge import AveragePayment as AveragePayment
    from samverkan.rules.discharge import DischargeStay as DischargeStay
    from samverkan.rules.discharge import DischargeTerms as DischargeTerms
    from samverkan.rules.discharge import InvalidStay as InvalidStay
    from samverkan.rules.discharge import InvalidTerms as InvalidTerms
    from samverkan.rules.discharge import Line as DischargeLine
    from samverkan.rules.discharge import PaymentDays as PaymentDays
    from samverkan.rules.discharge import admission_notice_late as admission_notice_late
    from samverkan.rules.discharge import admission_notice_within as admission_notice_within
    from samverkan.rules.discharge import average_payment as average_payment
    from samverkan.rules.discharge import days_cost_simulation as days_cost_simulation
    from samverkan.rules.discharge import discharge_terms as discharge_terms
    from samverkan.rules.discharge import first_payment_day as first_payment_day
    from samverkan.rules.discharge import payment_days as payment_days
    from samverkan.rules.discharge import payment_days_batch as payment_days_batch
    from samverkan.rules.discharge import payment_days_by_notice as payment_days_by_notice
    from samverkan.rules.discharge import sip_call_within_days as sip_call_within_days
    from samverkan.rules.discharge import stay_terms as stay_terms
    from samverkan.rules.discharge import stays_frame as stays_frame
    from samverkan.rules.discharge import terms_day as terms_day
    from samverkan.rules.discharge import terms_switch_days as terms_switch_days
    from samverkan.rules.engine import DECIDED as DECIDED
    from samverkan.rules.engine import INCOMPLETE as INCOMPLETE
    from samverkan.rules.engine import NOT_COVERED as NOT_COVERED
    from samverkan.rules.engine import NOT_IN_FORCE as NOT_IN_FORCE
    from samverkan.rules.engine import Decision as Decision
    from samverkan.rules.engine import decide as decide
    from samverkan.rules.engine import decide_facts as decide_facts
    from samverkan.rules.explain import STATUS_TEXT as STATUS_TEXT
    from samverkan.rules.explain import render as render_decision
    from samverkan.rules.explain import summary as decision_summary
    from samverkan.rules.facts import ASSUMED_WHEN_UNKNOWN as ASSUMED_WHEN_UNKNOWN
    from samverkan.rules.facts import FACT_ORDER as FACT_ORDER
    from samverkan.rules.facts import FACTS as FACTS
    from samverkan.rules.facts import INTERVENTIONS as INTERVENTIONS
    from samverkan.rules.facts import MAX_AGE as MAX_AGE
    from samverkan.rules.facts import MAX_TEXT as MAX_TEXT
    from samverkan.rules.facts import FactError as FactError
    from samverkan.rules.facts import Facts as Facts
    from samverkan.rules.facts import FactSpec as FactSpec
    from samverkan.rules.facts import InvalidFacts as InvalidFacts
    from samverkan.rules.facts import Kind as Kind
    from samverkan.rules.facts import facts_to_json as facts_to_json
    from samverkan.rules.facts import format_time as format_time
    from samverkan.rules.facts import validate_facts as validate_facts
    from samverkan.rules.features import feature_columns as feature_columns
    from samverkan.rules.features import key as decision_key
    from samverkan.rules.io import LIMITS as FACTS_FILE_LIMITS
    from samverkan.rules.io import FactsFile as FactsFile
    from samverkan.rules.io import FileError as FileError
    from samverkan.rules.io import InvalidFactsFile as InvalidFactsFile
    from samverkan.rules.io import check_facts as check_facts
    from samverkan.rules.io import loads as strict_json
    from samverkan.rules.io import read_facts as read_facts
    from samverkan.rules.outcome import ACTIONS as ACTIONS
    from samverkan.rules.outcome import DIMENSION_VALUES as DIMENSION_VALUES
    from samverkan.rules.outcome import DIMENSIONS as DIMENSIONS
    from samverkan.rules.outcome import UNDETERMINED as UNDETERMINED
    from samverkan.rules.outcome import value_label as value_label
    from samverkan.rules.params import Parameter as Parameter
    from samverkan.rules.params import parameter as parameter
    from samverkan.rules.params import parameters as parameters
    from samverkan.rules.population import county_population as county_population
    from samverkan.rules.population import generate as generate_population
    from samverkan.rules.questions import QUESTION_ORDER as QUESTION_ORDER
    from samverkan.rules.questions import next_question as next_question
    from samverkan.rules.questions import question_values as question_values
    from samverkan.rules.regions import REGIONS as REGIONS
    from samverkan.rules.regions import municipality_name as municipality_name
    from samverkan.rules.regions import region_of_municipality as region_of_municipality
    from samverkan.rules.revisions import AdoptedRevision as AdoptedRevision
    from samverkan.rules.revisions import RuleCheck as RuleCheck
    from samverkan.rules.revisions import ScenarioResult as ScenarioResult
    from samverkan.rules.revisions import ScenarioTextError as ScenarioTextError
    from samverkan.rules.revisions import check_rules as check_revision_rules
    from samverkan.rules.revisions import check_scope as check_revision_scope
    from samverkan.rules.revisions import current_revisions as current_revisions
    from samverkan.rules.revisions import governing as governing_revisions
    from samverkan.rules.revisions import parse_fact_lines as parse_fact_lines
    from samverkan.rules.revisions import revised_versions as revised_versions
    from samverkan.rules.revisions import ruleset_for as revision_ruleset
    from samverkan.rules.revisions import run_scenarios as run_scenarios
    from samverkan.rules.revisions import use_revisions as use_revisions
    from samverkan.rules.ruleset import RuleSet as RuleSet
    from samverkan.rules.ruleset import build as build
    from samverkan.rules.ruleset import current_notices as current_notices
    from samverkan.rules.ruleset import default_ruleset as default_ruleset
    from samverkan.rules.ruleset import use_notices as use_notices
    from samverkan.rules.scenarios.model import Quote as ScenarioQuote
    from samverkan.rules.scenarios.model import Scenario as Scenario
    from samverkan.rules.scenarios.model import ScenarioError as ScenarioError
    from samverkan.rules.scenarios.model import baseline_labels as scenario_baseline_labels
    from samverkan.rules.scenarios.model import check_scenario as check_scenario
    from samverkan.rules.scenarios.model import load_baselines as load_scenario_baselines
    from samverkan.rules.scenarios.model import load_dir as load_scenario_dir
    from samverkan.rules.scenarios.model import load_file as load_scenario_file
    from samverkan.rules.scenarios.model import scenario_counts as scenario_counts
    from samverkan.rules.scenarios.model import scenarios as all_scenarios
    from samverkan.rules.scenarios.model import scenarios_by_clause as scenarios_by_clause
    from samverkan.rules.simulation import CASES as CASES
    from samverkan.rules.simulation import COST as COST
    from samverkan.rules.simulation import EXAMPLES as EXAMPLES
    from samverkan.rules.simulation import HCR as HCR
    from samverkan.rules.simulation import HOURS as HOURS
    from samverkan.rules.simulation import KEYS as KEYS
    from samverkan.rules.simulation import PERSONS as PERSONS
    from samverkan.rules.simulation import SEK as SEK
    from samverkan.rules.simulation import SIMULATED as SIMULATED
    from samverkan.rules.simulation import Example as Example
    from samverkan.rules.simulation import NamedParameter as NamedParameter
    from samverkan.rules.simulation import Parameter as SimulationParameter
    from samverkan.rules.simulation import RuleInfo as RuleInfo
    from samverkan.rules.simulation import base_col as base_col
    from samverkan.rules.simulation import baseline_rulesets as baseline_rulesets
    from samverkan.rules.simulation import case_profiles as case_profiles
    from samverkan.rules.simulation import decide_both as decide_both
    from samverkan.rules.simulation import diff_plan as diff_plan
    from samverkan.rules.simulation import evaluate_both as evaluate_both
    from samverkan.rules.simulation import evaluated_plan as evaluated_plan
    from samverkan.rules.simulation import example as example
    from samverkan.rules.simulation import group_sums as group_sums
    from samverkan.rules.simulation import named_parameter as named_parameter
    from samverkan.rules.simulation import named_parameters as named_parameters
    from samverkan.rules.simulation import parse_variant as parse_variant
    from samverkan.rules.simulation import prepare_cases as prepare_cases
    from samverkan.rules.simulation import pruned as pruned
    from samverkan.rules.simulation import rule_catalogue as rule_catalogue
    from samverkan.rules.simulation import rule_info as rule_info
    from samverkan.rules.simulation import rulesets as simulation_rulesets
    from samverkan.rules.simulation import simulate as simulate
    from samverkan.rules.simulation import sum_or_null as sum_or_null
    from samverkan.rules.simulation import var_col as var_col
    from samverkan.rules.simulation import variant_dict as variant_dict
    from samverkan.rules.simulation import variant_rulesets as variant_rulesets
    from samverkan.rules.validity import Notices as Notices
    from samverkan.rules.validity import Status as Status
    from samverkan.rules.validity import add_months as add_months
    from samverkan.rules.validity import final_end as final_end
    from samverkan.rules.validity import notice_deadline as notice_deadline
    from samverkan.rules.validity import status as status
    from samverkan.rules.validity import status_on as status_on
    from samverkan.rules.validity import term_ends as term_ends
    from samverkan.rules.validity import version_end as version_end
    from samverkan.rules.variants import Variant as Variant
    from samverkan.rules.variants import VariantError as VariantError
    from samverkan.rules.variants import apply as apply_variant

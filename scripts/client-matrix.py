#!/usr/bin/env python3
"""Prints the README's client compatibility table from a matrix run's .trx files.

    scripts/test.sh --filter FullyQualifiedName~Gateway.ClientMatrixTests   # or the whole suite
    scripts/client-matrix.py [TestResults]

A cell is ✅ only if its test passed in that run, ❌ if it failed, and — when the matrix has no test for it
(the client has no such command, or no web flow). Cells come from tests/Gateway.ClientMatrixTests: a theory
`Class.Method(client: "id")`, or a fact `Class.Method_id` for a single client; the staging and trusted-publishing
tables also take npm's rows from named tests of tests/Gateway.IntegrationTests (run the whole suite, or both
projects, for them). A run's results are ANDed.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

CLIENTS = [
    ("npm9", "npm 9.9.4"), ("npm10", "npm 10.9.9"), ("npm11", "npm 11.21.2"), ("npm12", "npm 12.2.1 (Node 22)"),
    ("pnpm10", "pnpm 10.34.9"), ("pnpm12", "pnpm 12.18.0"), ("yarn1", "Yarn 1.22.22"), ("yarn4", "Yarn 4.18.1"),
    ("bun", "Bun 1.4.5"),
]
# (column heading, test methods that fill it)
CLASSIC = [
    ("publish `--otp`", ["PublishWithCodeCells.Publish_WithCode"]),
    ("no code, no terminal", ["PublishWithoutTerminalCells.Publish_NoCodeNoTerminal", "ExpiredApprovalTests.Publish_NoCodeNoTerminal"]),
    ("prompt", ["PublishAtPromptCells.Publish_AtPrompt"]),
    ("dist-tag", ["DistTagCells.DistTag_WithCode", "DistTagCells.DistTag_AtPrompt"]),
    ("deprecate", ["DeprecateCells.Deprecate_WithCode"]),
    ("unpublish", ["UnpublishCells.Unpublish_WithCode"]),
    ("owner", ["OwnerCells.Owner_WithCode"]),
    ("token create", ["TokenCreateCells.TokenCreate_WithCode"]),
    ("login", ["LoginCells.Login_AtPrompt"]),
    ("3 workspaces, `--otp`", ["WorkspaceCells.WorkspacePublish_OneCode"]),
]
WEB = [
    ("approve with code", ["WebFlowCells.WebPublish_ApprovedWithCode"]),
    ("approve with key", ["WebFlowCells.WebPublish_ApprovedWithSecurityKey"]),
    ("3 workspaces, one code", ["WorkspaceCells.WorkspacePublish_Web_SameCodeOnEveryPage"]),
    ("login", ["LoginCells.Login_Web"]),
    ("expired approval", ["ExpiredApprovalTests.WebPublish_ApprovalExpired", "ExpiredApprovalTests.Publish_NoCodeNoTerminal"]),
]
# The publish/login subset against Verdaccio 9: one client of each family (rows without a result are left out).
VERDACCIO9 = [
    ("publish `--otp`", ["Verdaccio9PublishCells.Publish_WithCode"]),
    ("login", ["Verdaccio9LoginCells.Login_Web"]),
]
# Staged publishing and trusted publishing: the matrix's cells, and npm's rows from the integration tests that drive the
# real npm (a pair: that test's outcome fills that client's cell).
STAGE_NPM11 = ("StagedPublishingTests.NpmStage_PublishListViewDownload_StolenTokenCannotApproveOrReject_ApprovedOnAnotherInstance_IsInTheRegistry", "npm11")
REJECT_NPM11 = ("StagedPublishingTests.Refusals_PublishedStagedTwoVersionsTooLargeUnknownId_StrangerAndOtherUserSeeNothing_RejectRemoves", "npm11")
STAGE = "StageCells.Stage_NoCode_Listed_ApproveRefusedWithoutCode_OneCodeRejectsOneApprovesTwo"
STAGE_AND_APPROVE = "StageCells.Stage_ApprovedWithCode"  # npm 12: its stage commands are npm 11.21's files
STAGING = [
    ("`stage publish`, no code, no terminal", [STAGE, STAGE_AND_APPROVE, STAGE_NPM11]),
    ("`stage list`", [STAGE, STAGE_NPM11]),
    ("`stage view`, `download`", [STAGE_NPM11]),
    ("approve without a code: refused", [STAGE, STAGE_NPM11]),
    ("approve `--otp`", [STAGE, STAGE_AND_APPROVE, STAGE_NPM11]),
    ("reject `--otp`", [STAGE, REJECT_NPM11]),
    ("one code: 1 reject + 2 approvals", [STAGE]),
    ("approve on the page, security key", ["StageWebFlowCells.StageApprove_Web_ApprovedWithSecurityKey"]),
]
TRUST_NPM = "TrustedPublishingTests.NpmTrustWithACode_ThenCiPublishesWithNoStoredSecret_AsTheRegistryAccount_AndNothingElse"
TRUSTED = [
    ("publish as a trusted workflow, no stored secret", ["TrustedPublishingCells.Publish_AsTrustedWorkflow_NoStoredCredential", (TRUST_NPM, "npm11")]),
    ("`npm trust github`, `list`, `revoke` with a code", [(TRUST_NPM, "npm12")]),
]
IDS = {c for c, _ in CLIENTS}
NAME = re.compile(r'Gateway\.ClientMatrixTests\.(\w+\.\w+?)(?:\(client: "(\w+)"\))?$')
INTEGRATION = re.compile(r'Gateway\.IntegrationTests\.(\w+\.\w+)$')


def results(folder):
    outcomes = {}
    for path in glob.glob(os.path.join(folder, "**", "*.trx"), recursive=True):
        for node in ET.parse(path).getroot().iter():
            if not node.tag.endswith("UnitTestResult"):
                continue
            name = node.get("testName", "")
            match = NAME.match(name)
            if not match:
                integration = INTEGRATION.match(name)
                if integration:
                    record(outcomes, (integration.group(1), None), node)
                continue
            method, client = match.groups()
            if client is None and "_" in method and method.rsplit("_", 1)[1] in IDS:
                method, client = method.rsplit("_", 1)
            if client in IDS:
                record(outcomes, (method, client), node)
    return outcomes


def record(outcomes, key, node):
    previous = outcomes.get(key)
    passed = node.get("outcome") == "Passed"
    outcomes[key] = passed if previous is None else previous and passed


def outcome(outcomes, test, client):
    """A matrix method's outcome for that client, or an integration test's (a (method, client) pair) for its client only."""
    if isinstance(test, tuple):
        method, only = test
        return outcomes.get((method, None)) if only == client else None
    return outcomes.get((test, client))


def table(outcomes, columns, tested_only=False):
    lines = ["| client | " + " | ".join(h for h, _ in columns) + " |", "| --- |" + " :-: |" * len(columns)]
    for client, label in CLIENTS:
        if tested_only and not any(outcome(outcomes, m, client) is not None for _, methods in columns for m in methods):
            continue
        cells = []
        for _, methods in columns:
            found = [o for o in (outcome(outcomes, m, client) for m in methods) if o is not None]
            cells.append("—" if not found else "✅" if all(found) else "❌")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    outcomes = results(sys.argv[1] if len(sys.argv) > 1 else "TestResults")
    if not outcomes:
        sys.exit("no client matrix results found (run the Gateway.ClientMatrixTests first)")
    print("Classic (a code from the authenticator app or a recovery code):\n")
    print(table(outcomes, CLASSIC))
    print("\nWeb flow (the client prints the approval page's URL and waits):\n")
    print(table(outcomes, WEB))
    print("\nVerdaccio 9 (web login; publish with the code on the command line):\n")
    print(table(outcomes, VERDACCIO9, tested_only=True))
    print("\nStaged publishing (npm 11: StagedPublishingTests, the integration tests):\n")
    print(table(outcomes, STAGING, tested_only=True))
    print("\nTrusted publishing (npm 11 and 12: TrustedPublishingTests, the integration tests):\n")
    print(table(outcomes, TRUSTED, tested_only=True))


if __name__ == "__main__":
    main()

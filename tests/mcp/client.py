"""End-to-end client for `moedemappe mcp`, written with the official MCP
Python SDK (PyPI `mcp`, pinned in .ci/run). crates/cli/tests/mcp.rs runs it.

It starts the server over stdio the way an MCP client (an AI assistant) does,
lists the tools, searches, reads every cited page, follows a case, provokes
tool errors, and prints one JSON summary on stdout. It asserts nothing about
access itself: the Rust test compares the summaries of an open-scope and a
closed-scope run.

Usage:
    client.py BINARY DATA_DIR [--query WORD] [--token-file PATH]
              [--env-token] [--probe-page ID:PAGE] [--probe-case NUMBER]

--token-file is passed on to `moedemappe mcp`; --env-token hands this
process's MOEDEMAPPE_TOKEN to the server (the SDK passes no other variables);
with neither, the server uses the data directory's local open token.
--probe-page and --probe-case ask for a page and a case this run may not be
allowed to see (the summary records what came back).
"""

import argparse
import importlib.metadata
import json
import os
import sys
import tempfile

try:
    import anyio
    from mcp import ClientSession, StdioServerParameters, stdio_client
except ImportError as e:  # The Rust test checks for the package first; this is a fallback.
    print(f"the python package mcp is missing ({e}); run: python3 -m pip install mcp==2.3.0",
          file=sys.stderr)
    sys.exit(3)

TIMEOUT_SECONDS = 120


def text_of(result):
    """The text blocks of a tool result, joined."""
    return "".join(getattr(c, "text", "") for c in result.content)


def payload(result):
    """The JSON a successful tool result carries (structured, else its text)."""
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(text_of(result))


async def run(args, errlog):
    env = {}
    if args.env_token:
        env["MOEDEMAPPE_TOKEN"] = os.environ["MOEDEMAPPE_TOKEN"]
    server_args = ["--data-dir", args.data_dir, "mcp"]
    if args.token_file:
        server_args += ["--token-file", args.token_file]
    params = StdioServerParameters(command=args.binary, args=server_args, env=env)
    summary = {"mcp_version": importlib.metadata.version("mcp")}
    word = args.query.lower()

    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=60) as session:
            init = await session.initialize()
            summary["server_name"] = init.server_info.name
            summary["protocol_version"] = init.protocol_version
            summary["instructions"] = init.instructions or ""

            tools = (await session.list_tools()).tools
            summary["tools"] = {
                t.name: {
                    "has_input_schema": isinstance(t.input_schema, dict)
                    and t.input_schema.get("type") == "object",
                    "properties": sorted((t.input_schema or {}).get("properties", {})),
                    "required": sorted((t.input_schema or {}).get("required", [])),
                    "description": t.description or "",
                }
                for t in tools
            }

            # The search, and every cited page read back.
            found = await session.call_tool("search_agendas", {"query": args.query, "limit": 10})
            summary["search_is_error"] = bool(found.is_error)
            results = payload(found)["results"] if not found.is_error else []
            summary["results"] = len(results)
            summary["result_access"] = sorted({r["citation"]["access"] for r in results})
            pages = []
            for r in results:
                c = r["citation"]
                for p in r["pages"]:
                    if c.get("attachment_id") is None or p.get("page") is None:
                        continue
                    page = await session.call_tool(
                        "get_page_text", {"attachment_id": c["attachment_id"], "page": p["page"]})
                    text = "" if page.is_error else payload(page)["text"]
                    titles = " ".join(filter(None, [c.get("item_title"), c.get("attachment_title")]))
                    pages.append({
                        "attachment_id": c["attachment_id"],
                        "page": p["page"],
                        "access": c["access"],
                        "is_error": bool(page.is_error),
                        "has_word": word in text.lower(),
                        "title_has_word": word in titles.lower(),
                        "chars": len(text),
                    })
            summary["pages"] = pages

            # A Danish question answered with passages; every passage is read
            # back from the page its citation names.
            question = f"Hvad står der om {args.query} hos medarbejderne?"
            retrieved = await session.call_tool("retrieve_passages", {"question": question, "k": 8})
            summary["retrieve_is_error"] = bool(retrieved.is_error)
            passages = [] if retrieved.is_error else payload(retrieved)["passages"]
            checked = []
            for p in passages:
                entry = {"id": p["id"], "access": p["access"],
                         "has_citation": bool(p.get("body") or p.get("collection")),
                         "matched_terms": p.get("matched_terms", [])}
                if p.get("attachment_id") is not None and p.get("page") is not None:
                    page = await session.call_tool(
                        "get_page_text", {"attachment_id": p["attachment_id"], "page": p["page"]})
                    entry["page_is_error"] = bool(page.is_error)
                    entry["on_page"] = (not page.is_error) and p["text"] in payload(page)["text"]
                checked.append(entry)
            summary["passages"] = checked
            retrieved_closed = await session.call_tool(
                "retrieve_passages", {"question": question, "k": 8, "access": "closed"})
            summary["closed_passages"] = 0 if retrieved_closed.is_error else len(
                payload(retrieved_closed)["passages"])

            # The workload table, as the council counts it.
            stats = await session.call_tool(
                "committee_stats", {"from": "2023-01-01", "to": "2024-12-31", "by": "year"})
            summary["stats_is_error"] = bool(stats.is_error)
            rows = [] if stats.is_error else payload(stats)["rows"]
            summary["stats_rows"] = len(rows)
            summary["stats_items"] = sum(r["items"] for r in rows)

            # A case from the results, followed.
            case = next((r["citation"]["case_number"] for r in results
                         if r["citation"].get("case_number")), None)
            summary["case_number"] = case
            if case:
                history = await session.call_tool("get_case_history", {"case_number": case})
                summary["case_is_error"] = bool(history.is_error)
                treatments = [] if history.is_error else payload(history)["treatments"]
                summary["case_treatments"] = len(treatments)
                dates = [t["date"] for t in treatments if t.get("date")]
                summary["case_oldest_first"] = dates == sorted(dates)

            # Closed material: the closed-only search, and every title seen.
            closed = await session.call_tool(
                "search_agendas", {"query": args.query, "access": "closed", "limit": 50})
            closed_results = [] if closed.is_error else payload(closed)["results"]
            summary["closed_search"] = {
                "is_error": bool(closed.is_error),
                "total_matches": None if closed.is_error else payload(closed)["total_matches"],
                "results": len(closed_results),
                "access": sorted({r["citation"]["access"] for r in closed_results}),
            }
            summary["closed_titles"] = sorted({r["citation"]["item_title"] for r in closed_results
                                               if r["citation"].get("item_title")})
            summary["closed_pages"] = [
                {"attachment_id": r["citation"]["attachment_id"], "page": r["pages"][0]["page"],
                 "case_number": r["citation"].get("case_number")}
                for r in closed_results
                if r["citation"].get("attachment_id") is not None and r["pages"]
                and r["pages"][0].get("page") is not None
            ]
            for p in summary["closed_pages"]:
                page = await session.call_tool(
                    "get_page_text", {"attachment_id": p["attachment_id"], "page": p["page"]})
                p["readable"] = not page.is_error and word in payload(page)["text"].lower()
            everything = await session.call_tool("search_agendas", {"query": args.query, "limit": 50})
            everything_results = [] if everything.is_error else payload(everything)["results"]
            summary["all_access"] = sorted({r["citation"]["access"] for r in everything_results})
            summary["all_text"] = text_of(everything)

            # Probes for what another token saw.
            if args.probe_page:
                attachment, page = (int(x) for x in args.probe_page.split(":"))
                probe = await session.call_tool(
                    "get_page_text", {"attachment_id": attachment, "page": page})
                summary["probe_page"] = {"is_error": bool(probe.is_error), "text": text_of(probe)}
            if args.probe_case:
                probe = await session.call_tool("get_case_history", {"case_number": args.probe_case})
                treatments = [] if probe.is_error else payload(probe)["treatments"]
                summary["probe_case"] = {
                    "is_error": bool(probe.is_error),
                    "closed_treatments": sum(1 for t in treatments if t.get("closed")),
                }

            # Tool errors come back as results with a message; the server lives on.
            errors = {}
            for name, arguments in [
                ("get_case_history", {"case_number": "EMN-1900-000000"}),
                ("get_page_text", {"attachment_id": 999999999, "page": 1}),
                ("get_page_text", {"attachment_id": 1, "page": 0}),
                ("search_agendas", {"query": args.query, "from": "31/3 2024"}),
                ("committee_stats", {"body": "Intet Sådant Udvalg"}),
            ]:
                r = await session.call_tool(name, arguments)
                errors[f"{name} {json.dumps(arguments, sort_keys=True)}"] = {
                    "is_error": bool(r.is_error), "message": text_of(r)}
            summary["errors"] = errors
            again = await session.call_tool("search_agendas", {"query": args.query, "limit": 1})
            summary["alive_after_errors"] = not again.is_error and len(payload(again)["results"]) == 1
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("data_dir")
    parser.add_argument("--query", default="arbejdsbelastning")
    parser.add_argument("--token-file")
    parser.add_argument("--env-token", action="store_true")
    parser.add_argument("--probe-page")
    parser.add_argument("--probe-case")
    args = parser.parse_args()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        async def bounded():
            with anyio.fail_after(TIMEOUT_SECONDS):
                return await run(args, errlog)
        summary = anyio.run(bounded)
        errlog.seek(0)
        summary["server_stderr"] = errlog.read()
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Calls `moedemappe mcp` tools with the official MCP Python SDK and prints
what came back, for crates/cli/tests/equivalence.rs and mcp.rs.

Usage:
    calls.py BINARY DATA_DIR [TOKEN_FILE] < calls.json

calls.json is a list of [tool name, arguments]. The output is one JSON list
with, per call, {"error": bool, "text": the text content, "structured": the
structured content or null}. The server runs with the token in TOKEN_FILE,
else with the data directory's local open-scope token.
"""

import json
import sys

try:
    import anyio
    from mcp import ClientSession, StdioServerParameters, stdio_client
except ImportError as e:
    print(f"the python package mcp is missing ({e}); run: python3 -m pip install mcp==2.3.0",
          file=sys.stderr)
    sys.exit(3)


async def run(binary, data_dir, token_file, calls):
    args = ["--data-dir", data_dir, "mcp"]
    if token_file:
        args += ["--token-file", token_file]
    params = StdioServerParameters(command=binary, args=args, env={})
    out = []
    with open("/dev/null", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                out.append({"tools": sorted(t.name for t in tools.tools)})
                for name, arguments in calls:
                    result = await session.call_tool(name, arguments)
                    out.append({
                        "error": bool(result.is_error),
                        "text": "".join(getattr(c, "text", "") for c in result.content),
                        "structured": result.structured_content,
                    })
    return out


def main():
    binary, data_dir = sys.argv[1], sys.argv[2]
    token_file = sys.argv[3] if len(sys.argv) > 3 else None
    calls = json.load(sys.stdin)
    print(json.dumps(anyio.run(run, binary, data_dir, token_file, calls), ensure_ascii=False))


if __name__ == "__main__":
    main()

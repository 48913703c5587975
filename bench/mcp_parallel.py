"""Times `moedemappe mcp` answering tool calls one at a time and two sent
together, with the official MCP Python SDK (a real client over stdio).

Usage:
    mcp_parallel.py BINARY DATA_DIR [ROUNDS]

Each round sends one `retrieve_passages` call and waits for it, then sends
two (different questions) together and waits for both. Prints the median and
p90 of each, and the ratio "two together / one": about 1.0 when the server
answers calls side by side, about 2.0 when it takes them in turn.
"""

import statistics
import sys
import time

try:
    import anyio
    from mcp import ClientSession, StdioServerParameters, stdio_client
except ImportError as e:
    print(f"the python package mcp is missing ({e}); run: python3 -m pip install mcp==2.3.0",
          file=sys.stderr)
    sys.exit(3)

QUESTIONS = [
    "Hvad koster renoveringen af skolerne?",
    "trafiksikkerhed ved skoler og cykelstier",
    "budget for ældreområdet og hjemmehjælp",
    "klimatilpasning og regnvand i byen",
    "parkering i midtbyen og beboerlicenser",
    "udvidelse af havnen og erhvervsarealer",
]


async def run(binary, data_dir, rounds):
    params = StdioServerParameters(command=binary, args=["--data-dir", data_dir, "mcp"], env={})
    one, two = [], []
    with open("/dev/null", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()

                async def call(q):
                    result = await session.call_tool("retrieve_passages", {"question": q, "k": 8})
                    if result.is_error:
                        raise SystemExit(f"tool error: {result.content}")

                for q in QUESTIONS:  # warm the caches first
                    await call(q)
                for r in range(rounds):
                    a = QUESTIONS[r % len(QUESTIONS)]
                    b = QUESTIONS[(r + 3) % len(QUESTIONS)]
                    t = time.perf_counter()
                    await call(a)
                    one.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(call, a)
                        tg.start_soon(call, b)
                    two.append(time.perf_counter() - t)
    return one, two


def ms(xs, q):
    xs = sorted(xs)
    return 1000 * xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    binary, data_dir = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    one, two = anyio.run(run, binary, data_dir, rounds)
    m1, m2 = 1000 * statistics.median(one), 1000 * statistics.median(two)
    print("| calls | median ms | p90 ms |")
    print("|---|---:|---:|")
    print(f"| one | {m1:.1f} | {ms(one, 0.9):.1f} |")
    print(f"| two together | {m2:.1f} | {ms(two, 0.9):.1f} |")
    print(f"two together / one (median): {m2 / m1:.2f}")


if __name__ == "__main__":
    main()

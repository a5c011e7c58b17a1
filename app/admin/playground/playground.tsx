"use client";

import { Loader2Icon, SendIcon } from "lucide-react";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

interface Turn {
  role: "user" | "assistant";
  content: string;
  usage?: { prompt: number; completion: number; costUsd?: string; chargeCredits?: string; latencyMs?: number };
  error?: string;
}

/** Reads an OpenAI SSE body, calling back with each content delta and the final usage. */
async function readStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<{ prompt: number; completion: number } | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let usage: { prompt: number; completion: number } | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
        const data = JSON.parse(line.slice(6));
        if (data.error) throw new Error(data.error.message);
        const text = data.choices?.[0]?.delta?.content;
        if (text) onText(text);
        if (data.usage) usage = { prompt: data.usage.prompt_tokens, completion: data.usage.completion_tokens };
      }
    }
  }
  return usage;
}

export function Playground({ models }: { models: string[] }) {
  const [model, setModel] = useState(models[0] ?? "");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);

  const update = (patch: (last: Turn) => Turn) => setTurns((all) => [...all.slice(0, -1), patch(all.at(-1)!)]);

  async function send() {
    const text = input.trim();
    if (!text || busy) return;
    const history: Turn[] = [...turns.filter((t) => !t.error), { role: "user", content: text }];
    setTurns([...history, { role: "assistant", content: "" }]);
    setInput("");
    setBusy(true);
    try {
      const response = await fetch("/api/playground/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: history.map(({ role, content }) => ({ role, content })) }),
      });
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.error?.message ?? `The hub answered ${response.status}`);
      }
      const requestId = response.headers.get("x-request-id");
      const usage = await readStream(response.body, (delta) => {
        update((last) => ({ ...last, content: last.content + delta }));
        endRef.current?.scrollIntoView({ block: "end" });
      });
      if (usage) update((last) => ({ ...last, usage }));
      // the cost is computed with the call's usage event, written a moment after the stream ends
      for (let attempt = 0; requestId && attempt < 10; attempt++) {
        await new Promise((r) => setTimeout(r, 300));
        const call = await fetch(`/api/playground/calls/${encodeURIComponent(requestId)}`);
        if (!call.ok) continue;
        const detail = await call.json();
        update((last) => ({ ...last, usage: { prompt: detail.promptTokens, completion: detail.completionTokens, costUsd: detail.costUsd, chargeCredits: detail.chargeCredits, latencyMs: detail.latencyMs } }));
        break;
      }
    } catch (error) {
      update((last) => ({ ...last, error: (error as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  if (models.length === 0) return <p className="text-sm text-muted-foreground">Publish a chat model first (Models & prices).</p>;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="playground-model">Model</Label>
          <NativeSelect id="playground-model" value={model} onChange={(e) => setModel(e.target.value)} className="w-64">
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </NativeSelect>
        </div>
        <Button variant="outline" onClick={() => setTurns([])} disabled={busy || turns.length === 0}>
          New chat
        </Button>
      </div>
      <div className="flex min-h-64 flex-col gap-3 rounded-xl border border-border bg-card p-4" data-testid="playground-transcript">
        {turns.length === 0 && <p className="m-auto text-sm text-muted-foreground">Ask something to see the answer stream in.</p>}
        {turns.map((t, i) => (
          <div key={i} className={t.role === "user" ? "self-end max-w-[85%] rounded-lg bg-primary px-3 py-2 text-sm text-primary-foreground" : "max-w-[85%] text-sm"}>
            <p className="whitespace-pre-wrap" data-testid={t.role === "assistant" ? "assistant-message" : undefined}>
              {t.content || (t.role === "assistant" && busy && i === turns.length - 1 ? <Loader2Icon className="size-4 animate-spin" /> : null)}
            </p>
            {t.error && <p className="mt-1 text-destructive">{t.error}</p>}
            {t.usage && (
              <p className="mt-1 text-xs text-muted-foreground" data-testid="answer-usage">
                {t.usage.prompt} in · {t.usage.completion} out
                {t.usage.costUsd !== undefined && ` · cost $${t.usage.costUsd}`}
                {t.usage.chargeCredits !== undefined && t.usage.chargeCredits !== "0" && ` · ${t.usage.chargeCredits} credits`}
                {t.usage.latencyMs !== undefined && ` · ${t.usage.latencyMs} ms`}
              </p>
            )}
          </div>
        ))}
        <div ref={endRef} />
      </div>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <Textarea
          aria-label="Message"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
          placeholder="Message (Enter to send, Shift+Enter for a new line)"
          className="min-h-12"
        />
        <Button type="submit" disabled={busy || !input.trim()} aria-label="Send">
          {busy ? <Loader2Icon className="animate-spin" /> : <SendIcon />}
        </Button>
      </form>
    </div>
  );
}

"use client";

import { Loader2Icon, SendIcon } from "lucide-react";
import { useTranslations } from "next-intl";
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
  const t = useTranslations("adminCatalog.playground");
  const [model, setModel] = useState(models[0] ?? "");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);

  const update = (patch: (last: Turn) => Turn) => setTurns((all) => [...all.slice(0, -1), patch(all.at(-1)!)]);

  async function send() {
    const text = input.trim();
    if (!text || busy) return;
    const history: Turn[] = [...turns.filter((turn) => !turn.error), { role: "user", content: text }];
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
        throw new Error(body?.error?.message ?? t("hubAnswered", { status: response.status }));
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

  if (models.length === 0) return <p className="text-sm text-muted-foreground">{t("noModels")}</p>;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="playground-model">{t("model")}</Label>
          <NativeSelect id="playground-model" value={model} onChange={(e) => setModel(e.target.value)} className="w-64">
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </NativeSelect>
        </div>
        <Button variant="outline" onClick={() => setTurns([])} disabled={busy || turns.length === 0}>
          {t("newChat")}
        </Button>
      </div>
      <div className="flex min-h-64 flex-col gap-3 rounded-xl border border-border bg-card p-4" data-testid="playground-transcript">
        {turns.length === 0 && <p className="m-auto text-sm text-muted-foreground">{t("empty")}</p>}
        {turns.map((turn, i) => (
          <div key={i} className={turn.role === "user" ? "self-end max-w-[85%] rounded-lg bg-primary px-3 py-2 text-sm text-primary-foreground" : "max-w-[85%] text-sm"}>
            <p className="whitespace-pre-wrap" data-testid={turn.role === "assistant" ? "assistant-message" : undefined}>
              {turn.content || (turn.role === "assistant" && busy && i === turns.length - 1 ? <Loader2Icon className="size-4 animate-spin" /> : null)}
            </p>
            {turn.error && <p className="mt-1 text-destructive">{turn.error}</p>}
            {turn.usage && (
              <p className="mt-1 text-xs text-muted-foreground" data-testid="answer-usage">
                {t("tokens", { prompt: turn.usage.prompt, completion: turn.usage.completion })}
                {turn.usage.costUsd !== undefined && ` · ${t("cost", { cost: turn.usage.costUsd })}`}
                {turn.usage.chargeCredits !== undefined && turn.usage.chargeCredits !== "0" && ` · ${t("credits", { credits: turn.usage.chargeCredits })}`}
                {turn.usage.latencyMs !== undefined && ` · ${turn.usage.latencyMs} ms`}
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
          aria-label={t("message")}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
          placeholder={t("placeholder")}
          className="min-h-12"
        />
        <Button type="submit" disabled={busy || !input.trim()} aria-label={t("send")}>
          {busy ? <Loader2Icon className="animate-spin" /> : <SendIcon />}
        </Button>
      </form>
    </div>
  );
}

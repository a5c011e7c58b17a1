// Copy-paste examples of calling the hub, for the landing and quickstart pages.

export function snippets(baseUrl: string, model: string) {
  return {
    curl: `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $AIGNE_HUB_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "stream": true,
       "messages": [{"role": "user", "content": "Hello!"}]}'`,
    node: `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${baseUrl}",
  apiKey: process.env.AIGNE_HUB_API_KEY, // sk-hub-…
});

const stream = await client.chat.completions.create({
  model: "${model}",
  messages: [{ role: "user", content: "Hello!" }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`,
    python: `import os
from openai import OpenAI

client = OpenAI(base_url="${baseUrl}", api_key=os.environ["AIGNE_HUB_API_KEY"])
reply = client.chat.completions.create(model="${model}", messages=[{"role": "user", "content": "Hello!"}])
print(reply.choices[0].message.content)`,
    aigne: `import { AIAgent, AIGNE } from "@aigne/core";
import { OpenAIChatModel } from "@aigne/openai";

// the AIGNE framework's OpenAI model, pointed at this hub
const model = new OpenAIChatModel({
  baseURL: "${baseUrl}",
  apiKey: process.env.AIGNE_HUB_API_KEY,
  model: "${model}",
});
const aigne = new AIGNE({ model });
const agent = AIAgent.from({ instructions: "You are a helpful assistant." });
console.log(await aigne.invoke(agent, "Hello!"));`,
  };
}

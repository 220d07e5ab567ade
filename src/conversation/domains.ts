// Domain modules that take part in conversations (kader reports, reminder replies, …) register
// their handlers and dialogues here, once, when the first inbound sink is created.
let registered = false;

export function registerDomainConversations(): void {
  if (registered) return;
  registered = true;
}

// Cycle detection that names the nodes on each cycle: Tarjan's strongly connected components,
// then one concrete cycle inside each component (self-loops included).

export function findCycles(
  nodeIds: readonly string[],
  edges: readonly (readonly [string, string])[],
): string[][] {
  const next = new Map<string, string[]>();
  for (const id of nodeIds) next.set(id, []);
  for (const [from, to] of edges) next.get(from)?.push(to);

  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(nodeIds, next)) {
    const first = component[0]!;
    const selfLoop = next.get(first)?.includes(first) ?? false;
    if (component.length === 1 && !selfLoop) continue;
    cycles.push(cycleWithin(new Set(component), first, next));
  }
  return cycles;
}

function stronglyConnectedComponents(nodeIds: readonly string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];

  // Iterative Tarjan so deep flows cannot overflow the call stack.
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = next.get(frame.id) ?? [];
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component.reverse());
      }
    }
  }
  return components;
}

/** A path start → … → start using only nodes of the component (breadth-first, so it is short). */
function cycleWithin(component: Set<string>, start: string, next: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of next.get(id) ?? []) {
      if (!component.has(child)) continue;
      if (child === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(child)) {
        previous.set(child, id);
        queue.push(child);
      }
    }
  }
  return [start];
}

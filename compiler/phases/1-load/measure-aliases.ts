import { isAlias, isCollection, isPair, visit, type Alias, type Document, type Node } from 'yaml';

export interface AliasExpansion {
  alias: Alias;
  /** Nodes this alias stands for once expanded (aliases inside it expanded too). */
  nodes: number;
}

/**
 * The alias that expands to the most nodes, and the whole document's expanded size. YAML anchors let a
 * 1 KB file stand for billions of values (the "billion laughs"), so the loader bounds the expansion before
 * turning the document into data, and can point at the alias that blew it up.
 */
export function measureAliases(doc: Document): { largest?: AliasExpansion; total: number; unresolved: Alias[] } {
  const sizes = new Map<Node, number>();
  let largest: AliasExpansion | undefined;
  const unresolved: Alias[] = [];
  visit(doc, {
    Alias(_key, alias) {
      if (!alias.resolve(doc)) return void unresolved.push(alias);
      const nodes = sizeOfAlias(doc, alias, sizes, new Set());
      if (!largest || nodes > largest.nodes) largest = { alias, nodes };
    },
  });
  return { largest, total: sizeOf(doc, doc.contents as Node | null, sizes, new Set()), unresolved };
}

function sizeOfAlias(doc: Document, alias: Alias, sizes: Map<Node, number>, path: Set<Node>): number {
  const target = alias.resolve(doc);
  return target ? sizeOf(doc, target, sizes, path) : 1;
}

/** Saturates instead of overflowing; `path` guards against an anchor that contains its own alias. */
function sizeOf(doc: Document, node: Node | null, sizes: Map<Node, number>, path: Set<Node>): number {
  if (!node) return 1;
  const known = sizes.get(node);
  if (known !== undefined) return known;
  if (path.has(node)) return 1;
  if (isAlias(node)) return sizeOfAlias(doc, node, sizes, path);
  let total = 1;
  if (isCollection(node)) {
    path.add(node);
    for (const item of node.items) {
      if (isPair(item)) total += sizeOf(doc, item.key as Node | null, sizes, path) + sizeOf(doc, item.value as Node | null, sizes, path);
      else total += sizeOf(doc, item as Node | null, sizes, path);
      if (total > Number.MAX_SAFE_INTEGER / 2) break;
    }
    path.delete(node);
  }
  sizes.set(node, total);
  return total;
}

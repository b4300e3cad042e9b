/** A node of an intrusive doubly linked list: the entry is its own link, so moves allocate nothing. */
export interface Linked {
  prev: Linked | undefined;
  next: Linked | undefined;
}

/** Recency order for the LRU baseline and the W-TinyLFU segments: front is most recent. */
export class LruList<N extends Linked> {
  #front: N | undefined;
  #back: N | undefined;
  size = 0;

  pushFront(node: N): void {
    node.prev = undefined;
    node.next = this.#front;
    if (this.#front) this.#front.prev = node;
    else this.#back = node;
    this.#front = node;
    this.size++;
  }

  remove(node: N): void {
    if (node.prev) node.prev.next = node.next;
    else this.#front = node.next as N | undefined;
    if (node.next) node.next.prev = node.prev;
    else this.#back = node.prev as N | undefined;
    node.prev = node.next = undefined;
    this.size--;
  }

  moveToFront(node: N): void {
    if (this.#front === node) return;
    this.remove(node);
    this.pushFront(node);
  }

  peekBack(): N | undefined {
    return this.#back;
  }

  popBack(): N | undefined {
    const node = this.#back;
    if (node) this.remove(node);
    return node;
  }
}

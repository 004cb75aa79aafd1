import type { Info } from "../api";
import { byId } from "./dom";

/** Asks, in a modal dialog, whether to delete `item`; resolves true only for an explicit "Delete". */
export function confirmDelete(item: Info): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>("confirm");
  byId("confirm-text").textContent = `“${item.name}” (#${item.id}) will be deleted for everyone.`;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    // Escape and "Cancel" both close the dialog without the "delete" value.
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "delete"), { once: true });
  });
}

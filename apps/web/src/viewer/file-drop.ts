/**
 * Files from a drop zone (drag and drop) and a file input, as one callback. Files are read in the
 * page; nothing is uploaded anywhere.
 */
export function acceptFiles(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: File[]) => void): void {
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length > 0) onFiles(files);
  });
  const targets = [zone, ...zone.ownerDocument.querySelectorAll<HTMLElement>(`[data-drop-for="${zone.id}"]`)];
  for (const target of targets) {
    target.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    target.addEventListener('dragleave', () => zone.classList.remove('over'));
    target.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length > 0) onFiles(files);
    });
  }
}

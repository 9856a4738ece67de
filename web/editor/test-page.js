// Mounts the built editor bundle for the browser tests (web/tests/e2e/editor.test.js).
import { createEditor } from "./dist/editor.js";

const DOC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`;

window.changes = [];
window.testEditor = createEditor(document.getElementById("editor"), {
  doc: DOC,
  dark: false,
  ariaLabel: "Manifest YAML",
  onChange: (text) => window.changes.push(text),
});
document.body.dataset.ready = "true";

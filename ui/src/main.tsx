import { render } from "preact";
import { LogsPage } from "./LogsPage";
import "./style.css";

function App() {
  return (
    <>
      <header>
        <a class="brand" href="/">
          Spyglass
        </a>
        <nav>
          <a href="/logs" aria-current="page">
            Logs
          </a>
        </nav>
      </header>
      <LogsPage />
    </>
  );
}

render(<App />, document.getElementById("app")!);

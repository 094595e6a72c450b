/** Key/value pairs as a table, values as JSON when they are not plain text. */
export function Attributes(props: { values: Record<string, unknown>; caption?: string }) {
  const entries = Object.entries(props.values ?? {});
  if (entries.length === 0) return null;
  return (
    <table class="attributes">
      {props.caption && <caption>{props.caption}</caption>}
      <tbody>
        {entries.map(([key, value]) => (
          <tr>
            <th scope="row">{key}</th>
            <td>{typeof value === "string" ? value : JSON.stringify(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

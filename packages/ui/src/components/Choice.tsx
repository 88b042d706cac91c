/** A labelled select: `options` are [value, text] pairs; `name` overrides the accessible name. */
export function Choice({ label, name, value, options, onChange }: {
  label: string;
  name?: string;
  value: string;
  options: Array<[string, string]>;
  onChange(value: string): void;
}) {
  return (
    <label>
      <span>{label}</span>
      <select aria-label={name ?? label} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

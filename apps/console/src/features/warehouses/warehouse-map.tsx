import { formatCoordinate } from '../../lib/format';
import { fitProjection, gridLines } from './projection';
import type { Warehouse } from './use-warehouses';

const VIEW = { width: 1000, height: 320, padding: 40 };

const stepFor = (span: number) => (span > 60 ? 20 : span > 25 ? 10 : 5);

/** Where the warehouses are: dots on a latitude/longitude grid (the table beside it has the numbers). */
export function WarehouseMap({
  warehouses,
  highlighted,
  onHighlight,
}: {
  warehouses: Warehouse[];
  highlighted: string | null;
  onHighlight: (id: string | null) => void;
}) {
  const projection = fitProjection(warehouses, VIEW);
  const { west, east, south, north } = projection.bounds;
  const meridians = gridLines(west, east, stepFor(east - west));
  const parallels = gridLines(south, north, stepFor(north - south));

  return (
    <svg
      className="wh-map"
      viewBox={`0 0 ${VIEW.width} ${VIEW.height}`}
      role="img"
      aria-label={`Map of ${warehouses.length} warehouses: ${warehouses
        .map(
          (w) =>
            `${w.code} at ${formatCoordinate(w.latitude, 'N', 'S')}, ${formatCoordinate(w.longitude, 'E', 'W')}`,
        )
        .join('; ')}`}
    >
      <rect className="wh-map__sea" x="0" y="0" width={VIEW.width} height={VIEW.height} rx="8" />
      {meridians.map((lon) => {
        const { x } = projection.project({ latitude: north, longitude: lon });
        return (
          <g key={`m${lon}`} className="wh-map__grid">
            <line x1={x} x2={x} y1={0} y2={VIEW.height} />
            {x < VIEW.width - 48 && (
              <text x={x + 4} y={VIEW.height - 8}>
                {Math.abs(lon)}°{lon < 0 ? 'W' : 'E'}
              </text>
            )}
          </g>
        );
      })}
      {parallels.map((lat) => {
        const { y } = projection.project({ latitude: lat, longitude: west });
        return (
          <g key={`p${lat}`} className="wh-map__grid">
            <line x1={0} x2={VIEW.width} y1={y} y2={y} />
            <text x={6} y={y - 4}>
              {Math.abs(lat)}°{lat < 0 ? 'S' : 'N'}
            </text>
          </g>
        );
      })}
      {warehouses.map((w) => {
        const { x, y } = projection.project(w);
        const active = highlighted === w.id;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: hover only mirrors the table's highlight
          <g
            key={w.id}
            className={`wh-map__pin${active ? ' wh-map__pin--active' : ''}${w.active ? '' : ' wh-map__pin--inactive'}`}
            onMouseEnter={() => onHighlight(w.id)}
            onMouseLeave={() => onHighlight(null)}
          >
            <title>{`${w.code} — ${w.name}`}</title>
            <circle cx={x} cy={y} r={active ? 10 : 8} />
            <text x={x + 14} y={y + 5}>
              {w.code}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
